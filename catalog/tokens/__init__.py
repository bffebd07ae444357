"""API tokens of user accounts: created by users for themselves, shown once, stored hashed."""
