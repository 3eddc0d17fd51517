"""Which migrations may run while the previous release serves, checked from their source.

docs/deploy.md ("Migrations while the old code serves") states the verdict for each
migration; this test holds the migrations to it, and holds a new migration with unsafe
operations to an explicit ``ONLINE_SAFE = False``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.migration_safety import OFFLINE, ONLINE, REVIEW, judge

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = sorted((ROOT / "migrations" / "versions").glob("[0-9]*.py"))

#: What docs/deploy.md says of each migration: may each run while the older release serves?
STATED = {
    "0001": True, "0002": True, "0003": True, "0004": True, "0005": False,
    "0006": True, "0007": True, "0008": False, "0009": True, "0010": False,
    "0011": False, "0012": False, "0013": True, "0014": True, "0015": True, "0016": False,
    "0017": True, "0018": True, "0019": True, "0020": False,
}  # fmt: skip


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: p.name[:4])
def test_every_migration_declares_what_its_operations_need(path: Path) -> None:
    """Unsafe operations or data changes without an ONLINE_SAFE declaration fail here."""
    verdict = judge(path.read_text(encoding="utf-8"))
    assert verdict.problem is None, f"{path.name}: {verdict.problem}"


@pytest.mark.parametrize("revision", sorted(STATED))
def test_the_documented_verdicts_hold(revision: str) -> None:
    """The statement in docs/deploy.md, migration by migration."""
    (path,) = [p for p in MIGRATIONS if p.name.startswith(revision + "_")]
    assert judge(path.read_text(encoding="utf-8")).online is STATED[revision]


def test_the_deploy_guide_lists_the_same_verdicts() -> None:
    """The table in docs/deploy.md matches STATED, so the guide cannot drift."""
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d{4}) \| (online|offline) \|", guide, re.MULTILINE))
    assert {rev: how == "online" for rev, how in rows.items()} == STATED


HEADER = 'revision = "0099"\ndown_revision = "0013"\n'


def _migration(body: str, marker: str = "") -> str:
    """A migration's source with ``body`` as its upgrade()."""
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    imports = "from alembic import op\nimport sqlalchemy as sa\n"
    return f"{HEADER}{marker}\n{imports}\ndef upgrade():\n{lines}\n"


@pytest.mark.parametrize(
    "body",
    [
        'op.drop_column("users", "email")',
        'op.alter_column("users", "email", new_column_name="mail")',
        'op.rename_table("users", "people")',
        'op.add_column("users", sa.Column("x", sa.Integer(), nullable=False))',
        'op.create_index("ix", "attempt_answers", ["question_id"])',
        'op.create_unique_constraint("uq", "users", ["email"])',
        'op.drop_table("users")',
        'with op.batch_alter_table("users") as b:\n    b.drop_column("email")',
        'with op.batch_alter_table("users") as b:\n    b.create_index("ix", ["email"])',
    ],
)
def test_unsafe_operations_need_an_offline_marker(body: str) -> None:
    """Each of these breaks the old code or locks a busy table: unmarked, it is refused."""
    verdict = judge(_migration(body))
    assert verdict.kind == OFFLINE
    assert verdict.problem is not None
    assert not verdict.online
    marked = judge(_migration(body, "ONLINE_SAFE = False\n"))
    assert marked.problem is None
    assert not marked.online


def test_an_online_marker_cannot_excuse_unsafe_operations() -> None:
    """ONLINE_SAFE = True on a column drop is still refused."""
    verdict = judge(_migration('op.drop_column("users", "email")', "ONLINE_SAFE = True\n"))
    assert verdict.problem is not None
    assert not verdict.online


@pytest.mark.parametrize(
    "body",
    [
        'op.create_table("notes", sa.Column("id", sa.Integer(), primary_key=True))',
        'op.add_column("users", sa.Column("nickname", sa.String(40), nullable=True))',
        'op.add_column("users", sa.Column("n", sa.Integer(), nullable=False, server_default="0"))',
        'op.create_table("notes", sa.Column("id", sa.Integer()))\n'
        'op.create_index("ix_notes_id", "notes", ["id"])',
        "with op.get_context().autocommit_block():\n"
        '    op.create_index("ix", "attempt_answers", ["question_id"],\n'
        "                    postgresql_concurrently=True)",
        'with op.batch_alter_table("users") as b:\n'
        '    b.add_column(sa.Column("nickname", sa.String(40), nullable=True))',
    ],
)
def test_additive_operations_are_online(body: str) -> None:
    """New tables, nullable or defaulted columns, CONCURRENTLY or new-table indexes: online."""
    verdict = judge(_migration(body))
    assert (verdict.kind, verdict.problem, verdict.online) == (ONLINE, None, True)


def test_data_changes_must_be_declared_either_way() -> None:
    """An UPDATE cannot be judged by reading: undeclared it is refused, declared it counts."""
    body = "op.execute('UPDATE users SET session_version = session_version + 1')"
    assert judge(_migration(body)).kind == REVIEW
    assert judge(_migration(body)).problem is not None
    assert judge(_migration(body, "ONLINE_SAFE = True\n")).online
    assert not judge(_migration(body, "ONLINE_SAFE = False\n")).online
