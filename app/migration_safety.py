"""Which migrations may run while the previous release still serves (PostgreSQL).

A rolling deploy applies the new release's migrations first and then restarts the app
servers one by one, so for a while the old code runs against the new schema. That is
safe only when the migration adds things the old code never notices and takes no long
lock: a new table, a nullable column (or one with a constant default), an index on a
table made in the same migration or one built ``CONCURRENTLY``. Everything else (dropping
or renaming, NOT NULL without a default, constraints validated over existing rows, an
ordinary index on an existing table, which blocks its writes while it builds) needs the
app stopped, or the change split across two releases.

The verdict is read from the migration's source, without running it. Data changes
(``op.execute``, ``bulk_insert``, ``connection.execute``) and calls into the app cannot
be judged by reading, so such a migration must say what it is: a module-level
``ONLINE_SAFE = True`` or ``False`` with a comment giving the reason. A migration whose
operations are unsafe must say ``ONLINE_SAFE = False``; ``tests/test_migration_safety.py``
holds every migration in ``migrations/versions`` to that.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

ONLINE, OFFLINE, REVIEW = "online", "offline", "review"

#: Operations the old code never notices, that hold their lock only for a moment.
_ALWAYS_SAFE = {"create_table", "f", "get_bind", "batch_alter_table", "get_context"}
#: Operations that break the old code or lock a busy table for as long as they run.
_UNSAFE = {
    "drop_table", "drop_column", "rename_table", "alter_column", "drop_constraint",
    "create_unique_constraint", "create_check_constraint", "create_foreign_key",
    "create_primary_key", "drop_index", "create_exclude_constraint",
}  # fmt: skip
#: Changes to rows: whether the old code copes depends on what they do.
_DATA = {"execute", "bulk_insert", "exec_driver_sql", "run_async"}


@dataclass
class Verdict:
    """A migration's operations judged: ``online``, ``offline`` or ``review``, and why."""

    kind: str = ONLINE
    reasons: list[str] = field(default_factory=list)
    #: What the migration declares (``ONLINE_SAFE``), None when it declares nothing.
    declared: bool | None = None

    def note(self, kind: str, reason: str) -> None:
        """Record one finding; ``offline`` outweighs ``review``, which outweighs ``online``."""
        order = (ONLINE, REVIEW, OFFLINE)
        if order.index(kind) > order.index(self.kind):
            self.kind = kind
        if kind != ONLINE:
            self.reasons.append(reason)

    @property
    def problem(self) -> str | None:
        """Why the declaration does not fit the operations, or None when it does."""
        if self.kind == OFFLINE and self.declared is not False:
            return "unsafe operations, but not marked ONLINE_SAFE = False: " + "; ".join(
                self.reasons
            )
        if self.kind == REVIEW and self.declared is None:
            return "changes data; declare ONLINE_SAFE = True or False: " + "; ".join(self.reasons)
        return None

    @property
    def online(self) -> bool:
        """Whether this migration may run while the previous release serves."""
        if self.declared is False or self.kind == OFFLINE:
            return False
        return self.kind == ONLINE or bool(self.declared)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value passed as ``name=`` to ``call``, if any."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def _literal(node: ast.expr | None) -> object:
    """A constant's value, or None for anything else."""
    return node.value if isinstance(node, ast.Constant) else None


def _column_is_safe(column: ast.expr | None) -> bool:
    """A new column the old code's INSERTs can leave out: nullable, or with a default."""
    if not isinstance(column, ast.Call):
        return False
    nullable = _literal(_keyword(column, "nullable"))
    return nullable is not False or _keyword(column, "server_default") is not None


def _calls(node: ast.AST, batch: dict[str, str]) -> list[tuple[ast.Call, dict[str, str]]]:
    """Every call under ``node`` with the ``batch_alter_table`` names in scope where it is."""
    found: list[tuple[ast.Call, dict[str, str]]] = []
    if isinstance(node, ast.With):
        inner = dict(batch)
        for item in node.items:
            call, target = item.context_expr, item.optional_vars
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "batch_alter_table"
                and isinstance(target, ast.Name)
                and call.args
            ):
                inner[target.id] = str(_literal(call.args[0]))
            found += _calls(call, batch)
        for statement in node.body:
            found += _calls(statement, inner)
        return found
    if isinstance(node, ast.Call):
        found.append((node, batch))
    for child in ast.iter_child_nodes(node):
        found += _calls(child, batch)
    return found


def _judge_call(call: ast.Call, batch: dict[str, str], created: set[str],
                imported: set[str], verdict: Verdict) -> None:  # fmt: skip
    """Note what one call in ``upgrade()`` does."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in imported:
        verdict.note(REVIEW, f"calls {func.id}() from the app")
        return
    if not isinstance(func, ast.Attribute):
        return
    owner = func.value.id if isinstance(func.value, ast.Name) else None
    name = func.attr
    if name == "execute" and str(_literal(call.args[0]) if call.args else "").startswith("SET "):
        return  # a setting for this transaction, such as lock_timeout
    if name in _DATA:
        verdict.note(REVIEW, f"{name}() changes data")
        return
    if owner != "op" and owner not in batch:
        return
    table = batch.get(owner or "") or (str(_literal(call.args[0])) if call.args else "?")
    if name in _ALWAYS_SAFE:
        return
    if name == "add_column":
        column = call.args[1] if owner == "op" and len(call.args) > 1 else (
            call.args[0] if call.args else None
        )  # fmt: skip
        if table not in created and not _column_is_safe(column):
            verdict.note(OFFLINE, f"adds a NOT NULL column without a default to {table}")
        return
    if name == "create_index":
        index_table = table
        if owner == "op":
            index_table = str(_literal(call.args[1])) if len(call.args) > 1 else "?"
        concurrently = _literal(_keyword(call, "postgresql_concurrently")) is True
        if index_table not in created and not concurrently:
            verdict.note(OFFLINE, f"builds an index on {index_table} without CONCURRENTLY "
                                  "(blocks its writes while it builds)")  # fmt: skip
        return
    if name in _UNSAFE:
        if table in created:
            return  # a table made in this migration: nobody else uses it yet
        verdict.note(OFFLINE, f"{name} on {table}")
        return
    verdict.note(REVIEW, f"op.{name}() is not classified")


def judge(source: str) -> Verdict:
    """Judge a migration's source: its ``upgrade()`` operations and its ``ONLINE_SAFE``."""
    tree = ast.parse(source)
    verdict = Verdict()
    imported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "ONLINE_SAFE" for t in node.targets
        ):
            value = _literal(node.value)
            verdict.declared = value if isinstance(value, bool) else None
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app"):
            imported |= {alias.asname or alias.name for alias in node.names}
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    upgrade = functions.get("upgrade")
    if upgrade is None:
        verdict.note(REVIEW, "no upgrade() found")
        return verdict
    # upgrade() and the module's own helpers it uses (the downgrade is not judged).
    bodies = [upgrade] + [f for n, f in functions.items() if n not in ("upgrade", "downgrade")]
    created = {
        str(_literal(call.args[0]))
        for body in bodies
        for call in ast.walk(body)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
        and call.func.attr == "create_table" and call.args
    }  # fmt: skip
    for body in bodies:
        for call, batch in _calls(body, {}):
            _judge_call(call, batch, created, imported, verdict)
    verdict.reasons = list(dict.fromkeys(verdict.reasons))  # each finding once
    return verdict
