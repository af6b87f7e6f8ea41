"""The encrypted local store: models, engine, key wrapping, migrations and attachments."""
