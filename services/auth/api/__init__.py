"""HTTP resources of the auth service, one flask-smorest Blueprint each; schemas, fields and presenters beside them."""
