"""Certificates: issuing the frozen record, and two subpackages that write it out.

The top level issues: the gate (`gate.py`, pure), `standing.py`, `identifiers.py`, the frozen
`CertificateDocument` (`document.py`, which both writers read), the models, the services that
issue, re-issue, revoke and correct, the stored PDFs (`storage.py`) and the views.

- `openbadges/` signs and verifies the record as an Open Badges 3.0 credential.
- `printing/` lays it out as a PDF (and the learner's transcript as a PDF or CSV).

Both subpackages are libraries of the issuing code, never callers of it: they may import the
pure record modules here (`document`, `identifiers`, `standing`) and app-wide pure helpers,
but not `services`, `models`, `routes`, the database or Flask (a test holds that:
tests/certificates/test_subpackages.py).
"""
