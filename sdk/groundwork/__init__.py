"""Groundwork's Python SDK (``import groundwork``)."""

__version__ = "0.1.0"
