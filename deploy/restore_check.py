"""Compare a restored database with the one it was backed up from (deploy/restore-drill).

The same schema revision, the same number of rows in every table, and the public
verification page of 50 certificates (the revoked ones first, then the newest)
answering the same from each database. Run from the release folder whose code made the
backup. Exit 1 on any difference.
"""

from __future__ import annotations

import re
import sys

from sqlalchemy import create_engine, inspect, text

from app import create_app

#: What differs between two renderings of one page: the per-response nonce and tokens.
_PER_RESPONSE = re.compile(r'(nonce|value)="[^"]*"')


def counts(url: str) -> dict[str, int]:
    """Rows per table, and the schema revision under the key ``alembic_version``."""
    engine = create_engine(url)
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        # Table names come from the database's own catalogue, quoted; nothing typed in.
        found = {
            table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()  # noqa: S608
            for table in tables
        }
        revision = text("SELECT version_num FROM alembic_version")
        found["revision"] = connection.execute(revision).scalar_one()
    engine.dispose()
    return found


def verification_pages(url: str, public_ids: list[str]) -> dict[str, str]:
    """Each certificate's /verify page, as the app serving ``url`` renders it."""
    application = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    client = application.test_client()
    site = application.config["SITE_URL"]
    pages = {}
    for public_id in public_ids:
        response = client.get(f"/verify/{public_id}", base_url=site)
        body = _PER_RESPONSE.sub("", response.get_data(as_text=True))
        pages[public_id] = f"{response.status_code} {body}"
    application.extensions["db_engine"].dispose()
    return pages


def main() -> None:
    """Compare ``argv[1]`` (the original) with ``argv[2]`` (the restored copy)."""
    original, restored = sys.argv[1], sys.argv[2]
    before, after = counts(original), counts(restored)
    problems = [
        f"{table}: {before.get(table)} before, {after.get(table)} restored"
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]
    engine = create_engine(original)
    with engine.connect() as connection:
        # Revoked ones first, then the newest: 50 pages, enough to see both standings.
        public_ids = list(
            connection.execute(
                text("SELECT public_id FROM certificates "
                     "ORDER BY revoked_at IS NULL, id DESC LIMIT 50")
            ).scalars()
        )  # fmt: skip
    engine.dispose()
    pages_before = verification_pages(original, public_ids)
    pages_after = verification_pages(restored, public_ids)
    problems += [f"/verify/{p} differs" for p in public_ids if pages_before[p] != pages_after[p]]
    rows = sum(v for k, v in before.items() if k != "revision")
    print(
        f"[restore-drill] revision {after['revision']}, {len(before) - 1} tables, {rows} rows, "
        f"{len(public_ids)} certificates verified alike: {'ok' if not problems else 'DIFFERENT'}"
    )
    for problem in problems[:20]:
        print("PROBLEM:", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
