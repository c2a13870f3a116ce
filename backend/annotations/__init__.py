"""annotations domain."""
