"""Trauma-informed delivery: advisories, pause, crisis lines."""
