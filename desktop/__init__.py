"""Qt-free core of the street-office social-assistance desk: store, domain rules, services."""
