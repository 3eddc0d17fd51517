"""Moodle XML: multichoice and truefalse questions are imported; categories are passed over."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # nosec B405

from app.catalog.kinds import QuestionKind
from app.content.spec import ChoiceSpec
from app.questionbank.result import (
    ImportedQuestion,
    ImportRefused,
    ParseResult,
    SkippedItem,
    correct_from_fractions,
    kind_for_choices,
    to_markdown,
    true_false_choices,
)
from app.questionbank.xmlsafe import parse_xml

# Moodle's own grade list (question_bank::fraction_options_full), in percent; it refuses others.
_VALID_GRADES = (
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
    14.28571, 12.5, 11.11111, 10, 5, 0,
)  # fmt: skip
_TYPE_NAMES = {"cloze": "embedded answers (cloze)", "shortanswer": "short answer"}


def parse_moodle_xml(data: bytes, name: str = "questions.xml") -> ParseResult:
    """Read a Moodle XML file; return its multichoice and truefalse questions."""
    root = parse_xml(data, name)
    if root.tag != "quiz":
        raise ImportRefused(f"{name} is not a Moodle XML question file (no <quiz> element).")
    result = ParseResult()
    for index, question in enumerate(root.iter("question"), start=1):
        kind = question.get("type", "")
        where = f"{name}: question {index} ({_text(question.find('name')) or 'no name'})"
        if kind == "category":
            continue  # categories organise Moodle's bank; a Groundwork quiz has none
        if kind == "multichoice":
            outcome = _multichoice(question, where)
        elif kind == "truefalse":
            outcome = _truefalse(question, where)
        else:
            outcome = SkippedItem(
                where,
                _TYPE_NAMES.get(kind, kind),
                "not a Groundwork kind (single, multiple, true/false)",
            )
        if isinstance(outcome, SkippedItem):
            result.skipped.append(outcome)
        else:
            result.questions.append(outcome)
    return result


def _text(element: ET.Element | None) -> str:
    """Return the <text> of a Moodle field, or ''."""
    if element is None:
        return ""
    return (element.findtext("text") or "").strip()


def _markdown(element: ET.Element | None) -> tuple[str, list[str]]:
    """Return a Moodle text field as Markdown; html and moodle_auto_format are HTML."""
    is_html = element is not None and element.get("format", "html") != "plain_text"
    return to_markdown(_text(element), is_html)


def _common(question: ET.Element) -> tuple[str, str, str, list[str]]:
    """Return the name, prompt, explanation and notes every question has."""
    prompt, notes = _markdown(question.find("questiontext"))
    explanation, more = _markdown(question.find("generalfeedback"))
    return _text(question.find("name")), prompt, explanation, notes + more


def _fraction(answer: ET.Element) -> float | None:
    """Return an answer's grade in percent if Moodle accepts it, else None."""
    try:
        value = float(answer.get("fraction", "0"))
    except ValueError:
        return None
    if any(abs(abs(value) - grade) < 0.0001 for grade in _VALID_GRADES):
        return value
    return None


def _multichoice(question: ET.Element, where: str) -> ImportedQuestion | SkippedItem:
    """Read a multichoice question; <single>false</single> means several answers."""
    name, prompt, explanation, notes = _common(question)
    multiple = (question.findtext("single") or "true").strip().lower() in ("false", "0")
    answers = question.findall("answer")
    fractions = [_fraction(answer) for answer in answers]
    if None in fractions:
        bad = answers[fractions.index(None)].get("fraction")
        return SkippedItem(where, "multiple choice", f"invalid grade {bad} (Moodle refuses it too)")
    flags, more, reason = correct_from_fractions([f for f in fractions if f is not None], multiple)
    if flags is None:
        return SkippedItem(where, "multiple choice", reason or "")
    choices = []
    for answer, flag in zip(answers, flags, strict=True):
        text, lost = _markdown(answer)
        feedback, lost_too = _markdown(answer.find("feedback"))
        choices.append(ChoiceSpec(text=text, correct=flag, feedback=feedback or None))
        more += lost + lost_too
    kind = kind_for_choices(tuple(choices), multiple)
    unique = tuple(dict.fromkeys(notes + more))
    return ImportedQuestion(where, name, kind, prompt, explanation, tuple(choices), unique)


def _truefalse(question: ET.Element, where: str) -> ImportedQuestion | SkippedItem:
    """Read a truefalse question: the answer worth 100% says which is correct."""
    name, prompt, explanation, notes = _common(question)
    by_word = {}
    for answer in question.findall("answer"):
        word = _text(answer).lower()
        by_word[word] = (_fraction(answer) or 0, _markdown(answer.find("feedback"))[0])
    if set(by_word) != {"true", "false"}:
        return SkippedItem(where, "true/false", "needs one 'true' and one 'false' answer")
    true_is_correct = by_word["true"][0] == 100
    if true_is_correct == (by_word["false"][0] == 100):
        return SkippedItem(where, "true/false", "exactly one of true and false must be worth 100%")
    choices = true_false_choices(true_is_correct, by_word["true"][1], by_word["false"][1])
    return ImportedQuestion(
        where, name, QuestionKind.TRUE_FALSE, prompt, explanation, choices, tuple(notes)
    )
