"""Printed documents (PDF via reportlab) built from plain data."""
