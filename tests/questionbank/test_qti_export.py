"""QTI 3.0 export: 1EdTech's package layout, and a round trip back to the same questions."""

from __future__ import annotations

import io
import zipfile

from app.content.spec import ChoiceSpec, QuestionSpec, QuizSpec
from app.questionbank.qti3 import parse_qti_package
from app.questionbank.qti3_export import quiz_to_qti_zip
from app.questionbank.xmlsafe import local, parse_xml
from tests.factories import module_spec

TRICKY = QuestionSpec(
    slug="tricky",
    kind="single",
    objective="goal",
    prompt='Is 3 < 4 & 5 > 2 "true"?\n\nPick one.',
    explanation="Both comparisons hold.\n\nSee the lesson.",
    choices=(
        ChoiceSpec(text="Yes", correct=True, feedback="Right: 3 < 4."),
        ChoiceSpec(text="No", correct=False),
    ),
)


def _as_imported(quiz: QuizSpec) -> list[tuple]:
    return [(q.slug, q.kind, q.prompt, q.explanation, q.choices) for q in quiz.questions]


def test_round_trip_gives_the_same_questions():
    module = module_spec("m1")
    quiz = QuizSpec(title="Quiz", questions=(*module.quiz.questions, TRICKY))
    result = parse_qti_package(quiz_to_qti_zip(quiz, "test-course-m1"), "quiz.zip")
    assert result.skipped == []
    again = [(q.name, q.kind, q.prompt, q.explanation, q.choices) for q in result.questions]
    assert again == _as_imported(quiz)


def test_package_layout_follows_1edtech_examples():
    quiz = module_spec("m1").quiz
    data = quiz_to_qti_zip(quiz, "c-m1")
    assert data == quiz_to_qti_zip(quiz, "c-m1")  # deterministic
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        manifest = parse_xml(archive.read("imsmanifest.xml"), "imsmanifest.xml")
        test = parse_xml(archive.read("assessment.xml"), "assessment.xml")
    assert names[:2] == ["imsmanifest.xml", "assessment.xml"]
    assert sorted(names[2:]) == sorted(f"items/{q.slug}.xml" for q in quiz.questions)
    types = [r.get("type") for r in manifest.iter() if local(r.tag) == "resource"]
    assert types == ["imsqti_test_xmlv3p0"] + ["imsqti_item_xmlv3p0"] * len(quiz.questions)
    refs = [e.get("href") for e in test.iter() if local(e.tag) == "qti-assessment-item-ref"]
    assert refs == [f"items/{q.slug}.xml" for q in quiz.questions]
    assert local(test.tag) == "qti-assessment-test"
