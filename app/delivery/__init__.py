"""Trauma-informed delivery: content advisories, the Pause control and crisis resources."""
