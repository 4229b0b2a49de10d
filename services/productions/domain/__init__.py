"""Rules of the productions service that need neither HTTP nor a database."""
