"""Portal 2 (AQPM, under /aqpm/): registration, login, houses, producers, sheets, access, SET (P1-P7)."""
