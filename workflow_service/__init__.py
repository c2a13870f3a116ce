"""The workflow service: consumes events, runs workflows, executes blocks as Celery tasks.

It talks to the backend only over HTTP with a service token (never by importing ``backend``), so a
GPU worker needs nothing but the API URL, the token and the broker URL. See ``docs/workflows.md``.
"""
