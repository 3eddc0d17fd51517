"""Reading a quiz file (`quiz.yml` or `final-quiz.yml`): questions, choices and their rules."""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from pathlib import Path

from app.catalog.kinds import QuestionKind
from app.content.advisories import check_advisories
from app.content.fields import Field, read_fields, read_list
from app.content.problems import FileProblems
from app.content.rules import (
    TITLE_MAX_LENGTH,
    check_choices,
    check_flag,
    check_kind,
    check_markdown,
    check_objective,
    check_optional_text,
    check_slug,
    check_text,
    check_time_limit,
    find_duplicates,
)
from app.content.spec import ChoiceSpec, QuestionSpec, QuizSpec
from app.content.yamlsource import YamlList, YamlMap, load_mapping, read_text_file

QUIZ_FIELDS = {
    "title": Field(partial(check_optional_text, max_length=TITLE_MAX_LENGTH), required=False),
    "questions": Field(),
    "advisories": Field(check_advisories, required=False, default=[]),
    "time_limit_minutes": Field(check_time_limit, required=False),
}
QUESTION_FIELDS = {
    "slug": Field(check_slug),
    "kind": Field(check_kind),
    "objective": Field(),
    "prompt": Field(check_text),
    "explanation": Field(check_text),
    "choices": Field(),
}
CHOICE_FIELDS = {
    "text": Field(check_text),
    "correct": Field(check_flag),
    "feedback": Field(check_optional_text, required=False),
}


class _QuizReader:
    """Reads one quiz file, knowing which objectives and lessons it may name."""

    def __init__(
        self,
        problems: FileProblems,
        objective_ids: Collection[str] | None,
        module_slug: str | None,
        lessons: Collection[tuple[str, str]],
    ) -> None:
        self.problems = problems
        self.objective_ids = objective_ids
        self.module_slug = module_slug
        self.lessons = lessons

    def check_markdown_values(self, data: YamlMap, keys: tuple[str, ...]) -> None:
        """Report raw HTML and refused links in the Markdown texts under `keys`."""
        for key in keys:
            if isinstance(data.get(key), str):
                in_text = self.problems.shifted(data.text_line_of(key) - 1)
                for line, message in check_markdown(data[key], self.module_slug, self.lessons):
                    in_text.add(line, message)

    def read_quiz(self, data: YamlMap, default_title: str) -> QuizSpec | None:
        """Read the whole quiz mapping."""
        before = len(self.problems.found)
        values = read_fields(data, 1, QUIZ_FIELDS, self.problems, "a quiz")
        questions = read_list(data, "questions", self.problems) if "questions" in data else None
        specs = []
        if questions is not None:
            specs = [
                self.read_question(item, questions.line_of(i)) for i, item in enumerate(questions)
            ]
            self.report_duplicate_slugs(questions)
        if values is None or len(self.problems.found) > before:
            return None
        title = values["title"] or default_title
        return QuizSpec(
            title=title,
            questions=tuple(s for s in specs if s is not None),
            advisories=tuple(values["advisories"]),
            time_limit_minutes=values["time_limit_minutes"],
        )

    def report_duplicate_slugs(self, questions: YamlList) -> None:
        """Report each question whose slug repeats an earlier one."""
        slugs = [item.get("slug") if isinstance(item, YamlMap) else None for item in questions]
        for index in find_duplicates(slugs):
            if isinstance(slugs[index], str):
                line = questions[index].line_of("slug")
                self.problems.add(line, f"duplicate question slug {slugs[index]!r}")

    def read_question(self, item: object, line: int) -> QuestionSpec | None:
        """Read one question and check its choices against its kind."""
        before = len(self.problems.found)
        values = read_fields(item, line, QUESTION_FIELDS, self.problems, "a question")
        if values is None:
            return None
        assert isinstance(item, YamlMap)
        self.check_markdown_values(item, ("prompt", "explanation"))
        if "objective" in item and self.objective_ids is not None:
            message = check_objective(item["objective"], self.objective_ids)
            if message:
                self.problems.add(item.line_of("objective"), f"objective {message}")
        choices = self.read_choices(item, values.get("kind"))
        if choices is None or len(self.problems.found) > before:
            return None
        return QuestionSpec(
            slug=values["slug"],
            kind=QuestionKind(values["kind"]),  # check_kind has accepted it
            objective=values["objective"],
            prompt=values["prompt"],
            explanation=values["explanation"],
            choices=choices,
        )

    def read_choices(self, question: YamlMap, kind: str | None) -> tuple[ChoiceSpec, ...] | None:
        """Read a question's choices and, when all are readable, check them against `kind`."""
        if "choices" not in question:
            return None
        items = read_list(question, "choices", self.problems, minimum=0)
        if items is None:
            return None
        choices = [self.read_choice(choice, items.line_of(i)) for i, choice in enumerate(items)]
        good = tuple(choice for choice in choices if choice is not None)
        if len(good) < len(choices) or kind is None:
            return None
        for index, message in check_choices(kind, good):
            line = question.line_of("choices") if index is None else items.line_of(index)
            self.problems.add(line, message)
        return good

    def read_choice(self, item: object, line: int) -> ChoiceSpec | None:
        """Read one choice; a YAML true/false as its text means the words True/False."""
        if isinstance(item, YamlMap) and isinstance(item.get("text"), bool):
            item["text"] = str(item["text"])
        before = len(self.problems.found)
        values = read_fields(item, line, CHOICE_FIELDS, self.problems, "a choice (text, correct)")
        if values is None:
            return None
        assert isinstance(item, YamlMap)
        self.check_markdown_values(item, ("text", "feedback"))
        if len(self.problems.found) > before:
            return None
        return ChoiceSpec(
            text=values["text"], correct=values["correct"], feedback=values["feedback"]
        )


def read_quiz_file(
    path: Path,
    problems: FileProblems,
    default_title: str,
    objective_ids: Collection[str] | None,
    module_slug: str | None,
    lessons: Collection[tuple[str, str]],
) -> QuizSpec | None:
    """Read a quiz file; `objective_ids` None means they are unknown and not checked."""
    text = read_text_file(path, problems)
    data = load_mapping(text, problems) if text is not None else None
    if data is None:
        return None
    reader = _QuizReader(problems, objective_ids, module_slug, lessons)
    return reader.read_quiz(data, default_title)
