"""Alembic migrations and the helpers the CLI uses to run and check them."""
