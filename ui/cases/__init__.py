"""Case screens: the list with search and filters, and the case page."""
