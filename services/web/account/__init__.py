"""Signing in and out, forgotten and forced password change, profile, help (Portal 1, C1-C3, C12)."""
