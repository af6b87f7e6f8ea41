"""Support beyond the cash benefit: policy-menu criteria over household facts, and the
categories and amounts of group programmes (pure rules, no store)."""
