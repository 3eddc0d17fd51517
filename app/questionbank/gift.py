"""GIFT (Moodle's plain-text question format): multiple choice and true/false are imported."""

from __future__ import annotations

import re

from app.catalog.kinds import QuestionKind
from app.content.spec import ChoiceSpec
from app.questionbank.result import (
    ImportedQuestion,
    ParseResult,
    SkippedItem,
    correct_from_fractions,
    decode_utf8,
    kind_for_choices,
    to_markdown,
    true_false_choices,
)

_ESCAPES = {"\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\n": "\n"}
_PLACEHOLDER = {key: f"\x01{i}\x02" for i, key in enumerate(_ESCAPES)}
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TITLE = re.compile(r"^::(.*?)::", re.DOTALL)
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _protect(text: str) -> str:
    """Hide escaped special characters so splitting on them ignores the escaped ones."""
    for key, mark in _PLACEHOLDER.items():
        text = text.replace(key, mark)
    return text


def _restore(text: str) -> str:
    """Put the escaped characters back, unescaped."""
    for key, mark in _PLACEHOLDER.items():
        text = text.replace(mark, _ESCAPES[key])
    return text


def _field(text: str, default_html: bool) -> tuple[str, list[str]]:
    """Return a GIFT text (with its optional [format]) as Markdown, with notes."""
    match = _FORMAT.match(text)
    is_html = default_html
    if match:
        is_html = match.group(1).lower() in ("html", "moodle")
        text = text[match.end() :]
    return to_markdown(_restore(text).strip(), is_html)


def _blocks(text: str) -> list[tuple[int, str]]:
    """Return (first line number, text) of each question: comments out, split on blank lines."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("//"):
            continue
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, "\n".join(current)))
            current = []
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def parse_gift(data: bytes, name: str = "questions.gift.txt") -> ParseResult:
    """Read a GIFT file: multiple-choice and true/false questions in, the rest skipped."""
    result = ParseResult()
    for line, block in _blocks(decode_utf8(data, name)):
        if block.lstrip().startswith("$CATEGORY:"):
            continue  # a category holds no question; Groundwork quizzes have none
        outcome = _read_block(_protect(block), f"{name}:{line}")
        if isinstance(outcome, SkippedItem):
            result.skipped.append(outcome)
        else:
            result.questions.append(outcome)
    return result


def _read_block(block: str, where: str) -> ImportedQuestion | SkippedItem:
    """Read one question block."""
    title = ""
    match = _TITLE.match(block.strip())
    body = block.strip()
    if match:
        title, body = _restore(match.group(1)).strip(), body[match.end() :]
    start, finish = body.find("{"), body.rfind("}")
    if start < 0 or finish < start:
        return SkippedItem(where, "description", "no answers in braces {...}")
    answers = body[start + 1 : finish].strip()
    before, after = body[:start], body[finish + 1 :]
    if re.search(r"\w", _restore(after)):
        return SkippedItem(where, "missing word", "a fill-in-the-blank question")
    if not answers:
        return SkippedItem(where, "essay", "an essay question has no choices to mark")
    if answers.startswith("#"):
        return SkippedItem(where, "numerical", "a numerical answer is not a choice")
    general = ""
    if "####" in answers:
        answers, general = answers.split("####", 1)
    declared = _FORMAT.match(before)
    default_html = declared is not None and declared.group(1).lower() in ("html", "moodle")
    prompt, notes = _field(before, default_html)
    explanation, more = _field(general, default_html)
    notes += more
    if after.strip():
        notes.append(f"text after the answers ({_restore(after).strip()}) left out")
    if "~" in answers:
        return _multichoice(answers, where, title, prompt, explanation, notes, default_html)
    if "->" in answers and "=" in answers:
        return SkippedItem(where, "matching", "matching questions are not a Groundwork kind")
    word, *feedback = answers.split("#")
    if word.strip().upper() in _TRUE_FALSE:
        truth = _TRUE_FALSE[word.strip().upper()]
        wrong = _field(feedback[0], default_html)[0] if feedback else ""
        right = _field(feedback[1], default_html)[0] if len(feedback) > 1 else ""
        choices = true_false_choices(truth, right if truth else wrong, wrong if truth else right)
        return ImportedQuestion(
            where, title, QuestionKind.TRUE_FALSE, prompt, explanation, choices, tuple(notes)
        )
    return SkippedItem(where, "short answer", "a typed answer is not a choice")


def _multichoice(
    answers: str,
    where: str,
    title: str,
    prompt: str,
    explanation: str,
    notes: list[str],
    default_html: bool,
) -> ImportedQuestion | SkippedItem:
    """Read the answers of a multiple-choice question; single answer iff one is marked '='."""
    multiple = "=" not in answers
    parts = re.split(r"([=~])", answers)
    texts, fractions, feedbacks = [], [], []
    for marker, text in zip(parts[1::2], parts[2::2], strict=True):
        weight = _WEIGHT.match(text.strip())
        fraction = 100.0 if marker == "=" else 0.0
        if weight:
            fraction = float(weight.group(1))
            text = text.strip()[weight.end() :]
        answer, _, feedback = text.partition("#")
        texts.append(_field(answer, default_html)[0])
        feedbacks.append(_field(feedback, default_html)[0] or None)
        fractions.append(fraction)
    flags, more, reason = correct_from_fractions(fractions, multiple)
    if flags is None:
        return SkippedItem(where, "multiple choice", reason or "")
    choices = tuple(
        ChoiceSpec(text=text, correct=flag, feedback=feedback)
        for text, flag, feedback in zip(texts, flags, feedbacks, strict=True)
    )
    kind = kind_for_choices(choices, multiple)
    return ImportedQuestion(where, title, kind, prompt, explanation, choices, tuple(notes + more))
