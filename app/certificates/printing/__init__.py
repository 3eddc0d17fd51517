"""Printing: the certificate and the transcript as tagged, archival PDFs (and the CSV transcript).

Holds the layout (`pdf.py`, `transcript.py`), text fitting, the choice of typefaces and the
bundled fonts (`fonts/`), the per-process font cache, the QR code and the PDF/UA + PDF/A
structure (`archival.py`). Bytes in, bytes out: nothing here reads or writes the database.

May import: `app.certificates.document` and `.identifiers` (the pure record), app-wide pure
helpers (`app.safetext`, `app.csvcells`) and libraries. Must not import the issuing
services, models, routes, the database, Flask or `openbadges/`; storing a rendered PDF is
the issuing side's job (`app/certificates/storage.py`).
"""
