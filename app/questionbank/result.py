"""What a question file parser returns: questions in Groundwork's kinds, and what it skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from app.catalog.kinds import QuestionKind
from app.content.spec import ChoiceSpec

MAX_TEXT_FILE_BYTES = 2 * 1024 * 1024
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5"}
_BLOCK_TAGS |= {"h6", "blockquote", "pre"}
# Markdown punctuation that would change meaning (emphasis, links, raw HTML, tables).
# '<' only where it could open a tag, '&' only where it could be an entity: "3 < 4" stays.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~]|<(?=[A-Za-z/!?])|&(?=#?\w+;))")
_LINE_START_SPECIAL = re.compile(r"^(\s*)(#|>|[-+]\s|\d+[.)]\s)", re.MULTILINE)


class ImportRefused(ValueError):
    """The whole file is refused (encoding, size, hostile or broken XML); nothing is read."""


@dataclass(frozen=True)
class ImportedQuestion:
    """One question as it will be imported, with notes on what the mapping changed."""

    where: str
    name: str
    kind: QuestionKind
    prompt: str
    explanation: str
    choices: tuple[ChoiceSpec, ...]
    notes: tuple[str, ...] = ()

    @property
    def correct_texts(self) -> list[str]:
        """The texts of the correct choices, in order."""
        return [choice.text for choice in self.choices if choice.correct]


@dataclass(frozen=True)
class SkippedItem:
    """An item of the file that is not imported: where it is, its type and why."""

    where: str
    type: str
    reason: str


@dataclass
class ParseResult:
    """The questions read from one file and the items skipped, in file order."""

    questions: list[ImportedQuestion] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)


def decode_utf8(data: bytes, name: str) -> str:
    """Return the file's text, refusing anything over the size limit or not UTF-8."""
    if len(data) > MAX_TEXT_FILE_BYTES:
        raise ImportRefused(
            f"{name} is {len(data)} bytes; the limit for a question file is "
            f"{MAX_TEXT_FILE_BYTES // (1024 * 1024)} MB."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            f"{name} is not UTF-8 text (byte 0x{data[error.start]:02X} on line {line}). "
            "Save it as UTF-8 and upload it again."
        ) from None
    if "\x00" in text:
        raise ImportRefused(f"{name} holds a NUL character; it is not a text file.")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class _TextCollector(HTMLParser):
    """Collects the text of an HTML fragment, noting the images it drops."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Turn block tags into line breaks and count images."""
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "img":
            self.images += 1
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f"[image: {alt}]")

    def handle_endtag(self, tag: str) -> None:
        """Close a block with a line break."""
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        """Keep the text."""
        self.parts.append(data)


def html_to_text(source: str) -> tuple[str, int]:
    """Return an HTML fragment's plain text (paragraphs kept) and how many images it had."""
    collector = _TextCollector()
    collector.feed(source)
    collector.close()
    return tidy("".join(collector.parts)), collector.images


def tidy(text: str) -> str:
    """Collapse runs of spaces and blank lines; keep paragraph breaks."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def plain_to_markdown(text: str) -> str:
    """Escape plain text so Markdown shows it as written (no emphasis, links or HTML)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LINE_START_SPECIAL.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def to_markdown(source: str, is_html: bool) -> tuple[str, list[str]]:
    """Return a text field as Groundwork Markdown and the notes on what was lost."""
    notes = []
    if is_html:
        text, images = html_to_text(source)
        if images:
            notes.append(f"{images} image(s) left out; only their alt text is kept")
        if "<" in source and text != tidy(source):
            notes.append("HTML formatting reduced to plain text")
    else:
        text = tidy(source)
    return plain_to_markdown(text), notes


def true_false_choices(
    true_is_correct: bool, true_feedback: str | None, false_feedback: str | None
) -> tuple[ChoiceSpec, ChoiceSpec]:
    """Return Groundwork's True and False choices."""
    return (
        ChoiceSpec(text="True", correct=true_is_correct, feedback=true_feedback or None),
        ChoiceSpec(text="False", correct=not true_is_correct, feedback=false_feedback or None),
    )


def kind_for_choices(choices: tuple[ChoiceSpec, ...], multiple: bool) -> QuestionKind:
    """Return true_false for a single-answer True/False pair, else single or multiple."""
    if multiple:
        return QuestionKind.MULTIPLE
    if sorted(choice.text for choice in choices) == ["False", "True"]:
        return QuestionKind.TRUE_FALSE
    return QuestionKind.SINGLE


def correct_from_fractions(
    fractions: list[float], multiple: bool
) -> tuple[list[bool] | None, list[str], str | None]:
    """Map Moodle grades to all-or-nothing: (correct flags, notes) or a reason to skip.

    Single answer: only a choice worth 100% is correct. Multiple answer: a choice is correct
    iff it is worth more than 0; negative grades (penalties) become plain wrong choices.
    """
    notes: list[str] = []
    if multiple:
        flags = [fraction > 0 for fraction in fractions]
        positive = [fraction for fraction in fractions if fraction > 0]
        if not positive:
            return None, notes, "no choice is worth any marks"
        if len(set(positive)) > 1 or abs(sum(positive) - 100) > 0.01:
            notes.append("unequal partial credit became all-or-nothing")
        if any(fraction < 0 for fraction in fractions):
            notes.append("penalties for wrong choices dropped; they are simply wrong")
        return flags, notes, None
    flags = [abs(fraction - 100) < 0.01 for fraction in fractions]
    if sum(flags) != 1:
        return None, notes, f"a single-answer question needs one choice worth 100% ({sum(flags)})"
    if any(0 < fraction < 99.99 for fraction in fractions):
        notes.append("choices with partial credit became wrong choices")
    if any(fraction < 0 for fraction in fractions):
        notes.append("penalties for wrong choices dropped")
    return flags, notes, None


def question_to_dict(question: ImportedQuestion) -> dict[str, object]:
    """Return a question as plain data, to carry from the preview to the confirmation."""
    return {
        "where": question.where,
        "name": question.name,
        "kind": question.kind.value,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "choices": [choice.to_dict() for choice in question.choices],
        "notes": list(question.notes),
    }


def question_from_dict(data: dict[str, Any]) -> ImportedQuestion:
    """Rebuild a question from `question_to_dict` output."""
    return ImportedQuestion(
        where=str(data["where"]),
        name=str(data["name"]),
        kind=QuestionKind(data["kind"]),  # signed: only what question_to_dict wrote
        prompt=str(data["prompt"]),
        explanation=str(data["explanation"]),
        choices=tuple(ChoiceSpec.from_dict(choice) for choice in data["choices"]),
        notes=tuple(str(note) for note in data["notes"]),
    )
