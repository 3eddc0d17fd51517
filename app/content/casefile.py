"""Reading a module's `case.yml`: a branching case simulation, with every problem at its line.

The file's shape is read here; the rules of its graph (reachability, dead ends, loops,
endings tied to objectives, size limits) are the pure checks in `casegraph`, whose
problems are placed on the line of the scene, choice or key they name.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from pathlib import Path
from typing import Any

from app.content.advisories import check_advisories
from app.content.casegraph import check_case
from app.content.fields import Field, read_fields, read_list
from app.content.problems import FileProblems
from app.content.rules import (
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    check_line_text,
    check_markdown,
    check_one_of,
    check_optional_text,
    check_slug,
    check_text,
    check_whole_number,
)
from app.content.spec import (
    CASE_REQUIREMENTS,
    CaseChoiceSpec,
    CaseSpec,
    EndingSpec,
    SceneSpec,
    StatusLineSpec,
)
from app.content.yamlsource import YamlList, YamlMap, load_mapping, read_text_file

CASE_FILE = "case.yml"

CASE_FIELDS = {
    "slug": Field(check_slug),
    "title": Field(partial(check_line_text, max_length=TITLE_MAX_LENGTH)),
    "summary": Field(partial(check_line_text, max_length=SUMMARY_MAX_LENGTH)),
    "requirement": Field(partial(check_one_of, options=CASE_REQUIREMENTS), False, "none"),
    "advisories": Field(check_advisories, required=False, default=[]),
    "start": Field(check_slug),
    "scenes": Field(),
}
SCENE_FIELDS = {
    "id": Field(check_slug),
    "title": Field(partial(check_line_text, max_length=TITLE_MAX_LENGTH)),
    "narrative": Field(check_text),
    "client_says": Field(check_optional_text, required=False),
    "status": Field(required=False),
    "choices": Field(required=False),
    "ending": Field(required=False),
}
# Rating and target may be missing here: the graph check names what is missing, at the choice.
CHOICE_FIELDS = {
    "text": Field(check_text),
    "rating": Field(check_optional_text, required=False, default=""),
    "next": Field(check_optional_text, required=False, default=""),
    "feedback": Field(check_text),
}
ENDING_FIELDS = {
    "outcome": Field(partial(check_line_text, max_length=TITLE_MAX_LENGTH)),
    "rating": Field(check_text),
    "score": Field(partial(check_whole_number, minimum=0, maximum=100)),
    "debrief": Field(check_text),
    "objectives": Field(required=False),
    "lessons": Field(required=False),
}
STATUS_FIELDS = {
    "label": Field(partial(check_line_text, max_length=60)),
    "value": Field(partial(check_line_text, max_length=120)),
}


class _CaseReader:
    """Reads one case file, keeping the mappings so graph problems find their lines."""

    def __init__(
        self, problems: FileProblems, module_slug: str, lessons: Collection[tuple[str, str]]
    ) -> None:
        self.problems = problems
        self.module_slug = module_slug
        self.lessons = lessons
        self.scene_maps: list[YamlMap | None] = []
        self.scene_list: YamlList | None = None

    def markdown(self, data: YamlMap, keys: tuple[str, ...]) -> None:
        """Report raw HTML and refused links in the Markdown texts under `keys`."""
        for key in keys:
            if isinstance(data.get(key), str):
                in_text = self.problems.shifted(data.text_line_of(key) - 1)
                for line, message in check_markdown(data[key], self.module_slug, self.lessons):
                    in_text.add(line, message)

    def texts(self, data: YamlMap, key: str, noun: str) -> tuple[str, ...]:
        """A list of slugs (objectives, lessons) under `key`."""
        if key not in data:
            return ()
        items = read_list(data, key, self.problems, minimum=0)
        if items is None:
            return ()
        good = []
        for index, item in enumerate(items):
            message = check_slug(item)
            if message:
                self.problems.add(items.line_of(index), f"{noun} {message}")
            else:
                good.append(item)
        return tuple(good)

    def read_case(self, data: YamlMap) -> CaseSpec | None:
        """Read the whole case and check its graph."""
        before = len(self.problems.found)
        values = read_fields(data, 1, CASE_FIELDS, self.problems, "a case")
        scenes: list[SceneSpec | None] = []
        if "scenes" in data:
            listed = self.scene_list = read_list(data, "scenes", self.problems)
            for index, item in enumerate(listed or ()):
                assert listed is not None
                scenes.append(self.read_scene(item, listed.line_of(index)))
        if values is None or len(self.problems.found) > before:
            return None
        case = CaseSpec(
            slug=values["slug"],
            title=values["title"],
            summary=values["summary"],
            requirement=values["requirement"],
            advisories=tuple(values["advisories"]),
            start=values["start"],
            scenes=tuple(scene for scene in scenes if scene is not None),
        )
        return case

    def read_scene(self, item: object, line: int) -> SceneSpec | None:
        """Read one scene: texts, status panel, choices or ending."""
        before = len(self.problems.found)
        values = read_fields(item, line, SCENE_FIELDS, self.problems, "a scene (id, title, ...)")
        self.scene_maps.append(item if isinstance(item, YamlMap) else None)
        if values is None:
            return None
        assert isinstance(item, YamlMap)
        self.markdown(item, ("narrative",))
        status = self.read_items(item, "status", STATUS_FIELDS, "a status line (label, value)")
        choices = self.read_items(item, "choices", CHOICE_FIELDS, "a choice (text, rating, ...)")
        for choice in item.get("choices") or ():
            if isinstance(choice, YamlMap):
                self.markdown(choice, ("feedback",))
        ending = self.read_ending(item)
        if len(self.problems.found) > before:
            return None
        return SceneSpec(
            id=values["id"],
            title=values["title"],
            narrative=values["narrative"],
            client_says=values["client_says"],
            status=tuple(StatusLineSpec(**line) for line in status),
            choices=tuple(CaseChoiceSpec(**choice) for choice in choices),
            ending=ending,
        )

    def read_items(
        self, scene: YamlMap, key: str, fields: dict[str, Field], what: str
    ) -> list[dict[str, Any]]:
        """The good mappings of the list under `key` (an absent key is an empty list)."""
        if key not in scene or scene[key] is None:
            return []
        items = read_list(scene, key, self.problems, minimum=0)
        found: list[dict[str, Any]] = []
        if items is None:
            return found
        for index, item in enumerate(items):
            values = read_fields(item, items.line_of(index), fields, self.problems, what)
            if values is not None:
                found.append(values)
        return found

    def read_ending(self, scene: YamlMap) -> EndingSpec | None:
        """Read a scene's ending, if it has one."""
        if "ending" not in scene:
            return None
        data = scene["ending"]
        values = read_fields(
            data, scene.line_of("ending"), ENDING_FIELDS, self.problems, "an ending"
        )
        if values is None:
            return None
        assert isinstance(data, YamlMap)
        self.markdown(data, ("debrief",))
        if not {"outcome", "rating", "score", "debrief"} <= values.keys():
            return None
        return EndingSpec(
            outcome=values["outcome"],
            rating=values["rating"],
            score=values["score"],
            debrief=values["debrief"],
            objectives=self.texts(data, "objectives", "objective"),
            lessons=self.texts(data, "lessons", "lesson"),
        )

    def line_for(self, scene: int | None, choice: int | None, key: str | None, top: YamlMap) -> int:
        """The line a graph problem belongs on."""
        if scene is None:
            return top.line_of(key) if key else 1
        data = self.scene_maps[scene] if scene < len(self.scene_maps) else None
        if data is None:
            return self.scene_list.line_of(scene) if self.scene_list is not None else 1
        if choice is not None:
            choices = data.get("choices")
            if isinstance(choices, YamlList):
                item = choices[choice] if choice < len(choices) else None
                if isinstance(item, YamlMap) and key in item:
                    return item.line_of(key)
                return choices.line_of(choice)
        ending = data.get("ending")
        if key in ENDING_FIELDS and isinstance(ending, YamlMap):
            return ending.line_of(key) if key in ending else data.line_of("ending")
        return data.line_of(key) if key else data.line


def read_case_file(
    path: Path,
    problems: FileProblems,
    module_slug: str,
    objective_ids: Collection[str],
    lessons: Collection[tuple[str, str]],
) -> CaseSpec | None:
    """Read `case.yml`; its endings may name `objective_ids` and the module's lessons."""
    text = read_text_file(path, problems)
    data = load_mapping(text, problems) if text is not None else None
    if data is None:
        return None
    reader = _CaseReader(problems, module_slug, lessons)
    case = reader.read_case(data)
    if case is None:
        return None
    module_lessons = [lesson for module, lesson in lessons if module == module_slug]
    graph = check_case(case, objective_ids, module_lessons)
    for problem in graph:
        line = reader.line_for(problem.scene, problem.choice, problem.key, data)
        problems.add(line, problem.message)
    return None if graph else case
