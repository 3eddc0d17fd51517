"""Liveness and readiness for the reverse proxy and orchestrators."""
