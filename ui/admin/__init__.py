"""Administration screens: users, offices, settings."""
