"""HTTP resources of the productions service, one flask-smorest Blueprint each."""
