"""workflows domain."""
