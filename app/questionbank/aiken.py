"""Aiken (one-answer multiple choice in plain text): every well-formed question is imported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.content.spec import ChoiceSpec
from app.questionbank.result import (
    ImportedQuestion,
    ParseResult,
    SkippedItem,
    decode_utf8,
    kind_for_choices,
    to_markdown,
)

_OPTION = re.compile(r"^([A-Z])[).]\s*(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*(.*)$")


@dataclass
class _Draft:
    """A question being read: its first line, text and options so far."""

    line: int
    text: list[str]
    options: list[tuple[str, str]] = field(default_factory=list)


def parse_aiken(data: bytes, name: str = "questions.aiken.txt") -> ParseResult:
    """Read an Aiken file: a question, options 'A)' or 'A.', then 'ANSWER: letter'."""
    result = ParseResult()
    draft: _Draft | None = None
    for number, raw in enumerate(decode_utf8(data, name).split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        option, answer = _OPTION.match(line), _ANSWER.match(line)
        if answer:
            if draft is None:
                result.skipped.append(
                    SkippedItem(f"{name}:{number}", "aiken", "an ANSWER line with no question")
                )
            else:
                _finish(draft, answer.group(1).strip(), name, result)
            draft = None
        elif option and draft is not None:
            draft.options.append((option.group(1), option.group(2)))
        elif option:
            result.skipped.append(
                SkippedItem(f"{name}:{number}", "aiken", "an option with no question before it")
            )
        else:
            if draft is not None and draft.options:
                result.skipped.append(
                    SkippedItem(f"{name}:{draft.line}", "aiken", "no ANSWER line after the options")
                )
                draft = None
            if draft is None:
                draft = _Draft(number, [line])
            else:
                draft.text.append(line)
    if draft is not None:
        result.skipped.append(
            SkippedItem(f"{name}:{draft.line}", "aiken", "the file ends before its ANSWER line")
        )
    return result


def _finish(draft: _Draft, letter: str, name: str, result: ParseResult) -> None:
    """Add the finished question, or skip it saying what is wrong."""
    where = f"{name}:{draft.line}"
    letters = [option[0] for option in draft.options]
    if len(draft.options) < 2:
        result.skipped.append(SkippedItem(where, "aiken", "a question needs at least two options"))
        return
    if len(letter) != 1 or letter not in letters:
        reason = f"the answer {letter!r} is not one of the options ({', '.join(letters)})"
        result.skipped.append(SkippedItem(where, "aiken", reason))
        return
    prompt, notes = to_markdown("\n".join(draft.text), is_html=False)
    choices = tuple(
        ChoiceSpec(text=to_markdown(text, is_html=False)[0], correct=key == letter)
        for key, text in draft.options
    )
    kind = kind_for_choices(choices, multiple=False)
    result.questions.append(
        ImportedQuestion(where, draft.text[0][:80], kind, prompt, "", choices, tuple(notes))
    )
