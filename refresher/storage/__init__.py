"""The history store (edge): the SQLite file, its schema migrations; `store` is its face."""
