"""Reading one lesson file: YAML front matter, then a CommonMark body."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from app.content.advisories import check_advisories
from app.content.fields import Field, read_fields
from app.content.problems import FileProblems
from app.content.rules import (
    TITLE_MAX_LENGTH,
    check_lesson_min_seconds,
    check_line_text,
    check_markdown,
    check_minutes,
)
from app.content.spec import LessonSpec
from app.content.yamlsource import load_mapping, read_text_file

FRONT_MATTER_FENCE = "---"

LESSON_FIELDS = {
    "title": Field(lambda value: check_line_text(value, TITLE_MAX_LENGTH)),
    "minutes": Field(check_minutes),
    "min_seconds": Field(check_lesson_min_seconds, required=False),
    "advisories": Field(check_advisories, required=False, default=[]),
}


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, index of the closing fence line), or None without fences."""
    lines = text.split("\n")
    if lines[0].rstrip() != FRONT_MATTER_FENCE:
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FRONT_MATTER_FENCE:
            front_matter = "\n".join(lines[1:index]) + "\n"
            return front_matter, "\n".join(lines[index + 1 :]), index
    return None


def read_lesson_file(
    path: Path,
    problems: FileProblems,
    module_slug: str,
    lessons: Collection[tuple[str, str]],
) -> LessonSpec | None:
    """Read `<lesson-slug>.md`; `lessons` are the (module, lesson) pairs links may name."""
    before = len(problems.found)
    text = read_text_file(path, problems)
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.add(1, "a lesson starts with front matter between two '---' lines")
        return None
    front_matter, body, fence_index = parts
    if not front_matter.strip():
        problems.add(1, "the front matter is empty; it needs title and minutes")
        return None
    data = load_mapping(front_matter, problems.shifted(1))
    if data is None:
        return None
    values = read_fields(data, 1, LESSON_FIELDS, problems.shifted(1), "title and minutes")
    if not body.strip():
        problems.add(fence_index + 1, "the lesson has no text after its front matter")
    in_body = problems.shifted(fence_index + 1)
    for line, message in check_markdown(body, module_slug, lessons):
        in_body.add(line, message)
    if values is None or len(problems.found) > before:
        return None
    return LessonSpec(
        slug=path.name.removesuffix(".md"),
        title=values["title"],
        minutes=values["minutes"],
        body=body,
        min_seconds=values.get("min_seconds"),
        advisories=tuple(values["advisories"]),
    )
