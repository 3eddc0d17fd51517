"""Backing up and restoring the database: SQLite's online backup, pg_dump and pg_restore."""
