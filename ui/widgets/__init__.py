"""Reusable widgets for the screens: form fields, signature pad, photos, PDF preview, charts."""
