"""Store: the one relational database behind store methods."""
