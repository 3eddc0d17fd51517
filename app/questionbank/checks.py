"""What keeps an imported question out of a draft, and what to fix before publishing."""

from __future__ import annotations

from app.content.rules import check_choices, check_markdown, check_text
from app.questionbank.result import ImportedQuestion

NO_EXPLANATION = "no general feedback to use as the explanation: add one before publishing"


def blocking_problems(question: ImportedQuestion) -> list[str]:
    """Return what the course format refuses in this question (an import with any is refused)."""
    found = []
    if check_text(question.prompt):
        found.append("the question text is empty")
    for index, choice in enumerate(question.choices, start=1):
        if check_text(choice.text):
            found.append(f"choice {index} has no text")
    found += [message for _, message in check_choices(question.kind, question.choices)]
    texts = [question.prompt, question.explanation]
    texts += [c.text for c in question.choices] + [c.feedback or "" for c in question.choices]
    for text in texts:
        found += [message for _, message in check_markdown(text, None, ())]
    return list(dict.fromkeys(found))


def warnings(question: ImportedQuestion) -> list[str]:
    """Return what the import keeps but publishing will ask for, and what the mapping changed."""
    found = [] if question.explanation.strip() else [NO_EXPLANATION]
    return found + list(question.notes)
