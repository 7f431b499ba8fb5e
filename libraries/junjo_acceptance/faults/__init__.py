"""Mechanics of fault injection: a held SQLite write lock, a held or damaged DuckDB file, an undo stack."""
