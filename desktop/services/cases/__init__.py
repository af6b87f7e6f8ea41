"""Cases: applications, the 一城通办 workflow steps, surveys, deadlines, the check report, assessment and the confirmed amount, case-page reads, case numbers."""
