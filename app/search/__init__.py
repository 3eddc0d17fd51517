"""Full-text search over what courses teach: SQLite FTS5 or PostgreSQL, one interface."""
