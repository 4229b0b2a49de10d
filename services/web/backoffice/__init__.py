"""Staff back office (X8): ASSTSAS trainers, reference lists, requests, payments, shipping, participant
search (C13); AQPM production houses and their delegates."""
