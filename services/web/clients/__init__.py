"""Thin HTTP clients of the platform's APIs, one module per service, all through the gateway origin."""
