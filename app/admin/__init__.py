"""Administration: users and roles (records, exports and the audit log come later)."""
