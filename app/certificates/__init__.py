"""Certificates: the frozen record, its ID, the PDF and the signed Open Badges 3.0 credential."""
