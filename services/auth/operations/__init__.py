"""Auth's use cases: accounts, sessions and tokens, passwords, email changes, the directory, the security trail,
throttling and signing keys. The only code that emits, and with the consumers' read models the only code that writes."""
