"""Use cases: the only way to change data. Each checks the role, writes rows, audit and outbox."""
