"""Course files made hostile: the valid example course with lines, values and files mangled."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from hypothesis import strategies as st

from tests.security.hostile import HOSTILE_WORDS, hostile_text

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "content" / "fixtures" / "valid" / "orienting-basics"
)
SLUG = EXAMPLE.name
CourseFiles = dict[str, bytes]

#: YAML that is more than text: tags that would build objects, aliases, odd scalars.
YAML_TRAPS = (
    "!!python/object/apply:os.system ['touch /tmp/groundwork-pwned']",
    "!!python/name:os.system",
    "&anchor [*anchor]",
    "*undefined",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!timestamp 2001-12-14",
    "<<: *base",
    "[a, b",
    "{a: 1",
    "|",
    ">-",
    "~",
    ".inf",
    "-.nan",
    "0x1F",
    "0o17",
    "1_000",
    "010",
    "1:30",
    "2024-02-30",
    "yes",
    "? complex",
    "- item",
    "'unterminated",
    '"\\u0000"',
    '"\\x00\\0"',
    '"\\U0001F600\\u202e"',
    "@reserved",
    "%TAG ! tag:example.com,2000:",
)


def example_files() -> CourseFiles:
    """The valid example course, file by file, keyed by path inside the course folder."""
    return {
        path.relative_to(EXAMPLE).as_posix(): path.read_bytes()
        for path in sorted(EXAMPLE.rglob("*"))
        if path.is_file()
    }


def yaml_value() -> st.SearchStrategy[str]:
    """What could follow ``key:`` in a course file."""
    return st.one_of(
        st.sampled_from(YAML_TRAPS),
        hostile_text(),
        hostile_text().map(json.dumps),  # a double-quoted scalar: escapes reach the value
        st.sampled_from(HOSTILE_WORDS).map(lambda word: json.dumps(word)),
    )


@st.composite
def mutated_course(draw: st.DrawFn) -> CourseFiles:
    """The example course with one to three files changed, added or broken."""
    files = example_files()
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        lines = files[name].decode("utf-8", "replace").split("\n")
        index = draw(st.integers(0, max(len(lines) - 1, 0)))
        operation = draw(
            st.sampled_from(["value", "value", "insert", "delete", "bytes", "truncate", "add"])
        )
        if operation == "value" and ":" in lines[index]:
            key = lines[index].split(":", 1)[0]
            lines[index] = f"{key}: {draw(yaml_value())}"
        elif operation == "insert":
            lines.insert(index, draw(st.one_of(yaml_value(), hostile_text())))
        elif operation == "delete" and lines:
            del lines[index]
        elif operation == "bytes":
            files[name] = draw(st.binary(max_size=300))
            continue
        elif operation == "truncate":
            lines = lines[:index]
        elif operation == "add":
            extra = draw(st.sampled_from(["first-steps/", "", "other-module/"]))
            stem = draw(st.one_of(st.sampled_from(["extra", ".hidden", "UPPER"]), hostile_text()))
            suffix = draw(st.sampled_from([".md", ".yml", ".txt", ""]))
            files[f"{extra}{stem}{suffix}"] = draw(st.binary(max_size=200))
            continue
        files[name] = "\n".join(lines).encode()
    return files


def write_course(files: CourseFiles, root: Path) -> Path | None:
    """Write the files under ``root/<slug>``; None if the file system refuses a name."""
    folder = root / SLUG
    try:
        for name, content in files.items():
            target = folder / name
            if not target.resolve().is_relative_to(folder.resolve()):
                return None
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    except (OSError, ValueError):  # a NUL or an overlong name: no file system holds it
        return None
    return folder


def zip_of(files: CourseFiles, prefix: str = f"{SLUG}/") -> bytes:
    """The files zipped under ``prefix``, names as given (hostile too) up to 1,000 characters."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr((prefix + name)[:1000], content)
    return buffer.getvalue()
