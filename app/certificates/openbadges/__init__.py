"""Open Badges 3.0: the credential, its eddsa-rdfc-2022 proof, the signing keys and did:web.

Holds the JSON-LD canonicalization with bundled contexts (`contexts/`, nothing is fetched),
multibase, the Ed25519 key files, the issuer's DID document, and building, signing and
verifying an `OpenBadgeCredential` from a `CertificateDocument`.

May import: `app.certificates.document`, `.identifiers` and `.standing` (the pure record),
and libraries. Must not import the issuing services, models, routes, the database, Flask or
`printing/`: the issuing services call in, passing the document and the key ring.
"""
