"""Auth's rules without I/O: passwords, lockout policies, roles and portals, usernames, text, client addresses."""
