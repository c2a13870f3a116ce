"""label schemas domain."""
