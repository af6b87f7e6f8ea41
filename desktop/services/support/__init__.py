"""Support beyond the cash benefit: the policy menu, referrals, group programmes, purchased
services and the family's whole support."""
