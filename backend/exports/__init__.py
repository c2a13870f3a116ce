"""Exports: a snapshot of a project's files and annotations in an ecosystem format, made in the background."""
