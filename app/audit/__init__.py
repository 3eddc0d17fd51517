"""The append-only audit log of grades, completions, publications, certificates and roles."""
