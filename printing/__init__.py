"""Print orchestration above the core and the reports: gathers the core's data into the
plain records ``reports`` renders (letters, case files, notices, flyers); ``ui`` calls it."""
