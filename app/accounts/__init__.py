"""Accounts: sign-up, sign-in, profiles, passwords and roles."""
