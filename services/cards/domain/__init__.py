"""Rules of the card-request desk that need neither HTTP nor a database (pure functions)."""
