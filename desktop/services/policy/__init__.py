"""Policy: the policy tables (admin), the working-day calendar overrides, self-assessment, the policy as printed."""
