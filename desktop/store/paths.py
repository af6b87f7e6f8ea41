"""File names inside a data folder (importable without loading the database layer)."""

DB_NAME = "desk.db"
KEYFILE_NAME = "keys.json"
ATTACHMENTS_DIR = "attachments"
BACKUPS_DIR = "backups"
