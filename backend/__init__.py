"""Groundwork backend: the FastAPI core that owns all of the platform's state."""
