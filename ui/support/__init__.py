"""Screens of the support beyond the cash benefit: the administrator's catalogues (policy
menu, partners, programmes, purchased services), the roster review and the case-page tab."""
