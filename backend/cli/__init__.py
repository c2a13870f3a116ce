"""The ``groundwork`` command line: serve, migrate, users, tokens, demo."""
