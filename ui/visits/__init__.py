"""The 巡访 screens: the visit plan, the visit form, problems, coverage and the ledger."""
