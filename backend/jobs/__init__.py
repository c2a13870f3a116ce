"""Background jobs shared by exports and imports: a lease-based lifecycle and the loop that runs them."""
