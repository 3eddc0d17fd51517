"""Moodle XML and QTI 3.0 read from the real fixtures; hostile XML and zips refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.questionbank.formats import detect_format, parse_questions
from app.questionbank.moodlexml import parse_moodle_xml
from app.questionbank.qti3 import parse_qti_item, parse_qti_package
from app.questionbank.result import ImportRefused
from tests.questionbank.interop import fixture_bytes

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<quiz><question type="truefalse"><name><text>&lol3;</text></name></question></quiz>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><name><text>&secret;</text></name></question></quiz>"""
DOCTYPE_ONLY = b'<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "http://example.invalid/q.dtd"><quiz/>'


def test_moodle_truefalse_fixture_gives_the_right_answers():
    result = parse_moodle_xml(fixture_bytes("moodle/xml/truefalse.xml"), "truefalse.xml")
    false_one, true_one = result.questions
    # qformat_xml_import_export_test: 'Moodle acronym (False)' has false as the right answer.
    assert false_one.name == "Moodle acronym (False)" and false_one.correct_texts == ["False"]
    assert true_one.name == "Moodle acronym (True)" and true_one.correct_texts == ["True"]
    assert "<img" not in false_one.prompt and "\\[image: Moodle logo\\]" in false_one.prompt
    assert any("image" in note for note in false_one.notes)
    assert result.skipped == []


def test_moodle_multichoice_fixture_is_single_answer_french():
    (question,) = parse_moodle_xml(fixture_bytes("moodle/xml/multichoice.xml")).questions
    assert question.name == "Greeting" and question.kind == "single"
    assert [c.correct for c in question.choices].count(True) == 1
    assert question.correct_texts[0].endswith("French")


@pytest.mark.parametrize(
    ("fixture", "imported", "skipped"),
    [
        ("nested_categories_with_questions.xml", 4, ["essay"]),
        ("old_format_file.xml", 2, []),
        ("categories_reverse_order.xml", 0, ["essay", "short answer"]),
        ("category_with_description.xml", 1, []),
        ("multianswer.xml", 0, ["embedded answers (cloze)"]),
        ("broken_cloze_questions.xml", 0, ["embedded answers (cloze)"] * 5),
        ("sample_questions_with_old_image_tag.xml", 1, ["embedded answers (cloze)"]),
    ],
)
def test_moodle_xml_counts(fixture, imported, skipped):
    result = parse_moodle_xml(fixture_bytes(f"moodle/xml/{fixture}"), fixture)
    assert len(result.questions) == imported
    assert [s.type for s in result.skipped] == skipped


def test_moodle_invalid_grade_is_skipped_as_moodle_refuses_it():
    result = parse_moodle_xml(fixture_bytes("moodle/xml/error_invalid_grades.xml"))
    assert result.questions == []
    assert result.skipped[0].reason == "invalid grade 33 (Moodle refuses it too)"


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY, DOCTYPE_ONLY])
def test_hostile_xml_is_refused_before_anything_is_read(hostile):
    with pytest.raises(ImportRefused, match="DOCTYPE or entities, which are refused"):
        parse_moodle_xml(hostile, "evil.xml")
    with pytest.raises(ImportRefused, match="DOCTYPE or entities"):
        parse_qti_item(hostile.replace(b"quiz", b"qti-assessment-item"), "evil.xml")


def test_broken_xml_is_refused_with_its_line():
    with pytest.raises(ImportRefused, match=r"not well-formed XML \(line 2\)"):
        parse_moodle_xml(b"<quiz>\n<question></quiz>", "b.xml")


def test_qti_items_choice_multiple_and_true_false():
    choice = parse_qti_item(fixture_bytes("qti3/items/choice.xml"), "choice.xml").questions[0]
    assert choice.kind == "single"
    assert choice.correct_texts == ["You must stay with your luggage at all times."]
    assert choice.prompt.endswith("What does it say?")
    multiple = parse_qti_item(fixture_bytes("qti3/items/choice_multiple.xml")).questions[0]
    assert multiple.kind == "multiple" and multiple.correct_texts == ["Hydrogen", "Oxygen"]
    true_false = parse_qti_item(fixture_bytes("qti3/items/TF-choice.xml")).questions[0]
    assert true_false.kind == "true_false" and true_false.correct_texts == ["False"]
    assert true_false.prompt == "An octahedron has 12 faces."
    feedback = {c.text: c.feedback for c in true_false.choices}
    assert feedback["False"] == "That's right, an octahedron has 8 faces."


@pytest.mark.parametrize(
    ("fixture", "kind"), [("hotspot.xml", "hotspot"), ("text_entry.xml", "text-entry")]
)
def test_qti_other_interactions_are_skipped_by_type(fixture, kind):
    result = parse_qti_item(fixture_bytes(f"qti3/items/{fixture}"), fixture)
    assert result.questions == []
    assert result.skipped[0].type == f"interaction: {kind}"


@pytest.mark.parametrize(
    ("package", "imported", "skipped"),
    [("simple.zip", 1, 0), ("BBQsTest.zip", 5, 17), ("interactionMixSaxonyV3.zip", 4, 9)],
)
def test_qti_packages(package, imported, skipped):
    result = parse_qti_package(fixture_bytes(f"qti3/packages/{package}"), package)
    assert (len(result.questions), len(result.skipped)) == (imported, skipped)


def test_qti_package_follows_its_test_order():
    result = parse_qti_package(fixture_bytes("qti3/packages/BBQsTest.zip"))
    assert result.skipped[0].where.startswith("id-75bd778a3504/essay-vacation.xml")
    assert result.questions[0].where.startswith("id-5c1b1e2d56bd/either-or.xml")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_qti_zip_slip_and_missing_manifest_are_refused():
    with pytest.raises(ImportRefused, match="leads out of its folder"):
        parse_qti_package(_zip({"../evil.xml": b"x", "imsmanifest.xml": b"<manifest/>"}))
    with pytest.raises(ImportRefused, match=r"imsmanifest\.xml is named but not in the zip"):
        parse_qti_package(_zip({"item.xml": b"<x/>"}))
    with pytest.raises(ImportRefused, match="not a zip archive"):
        parse_qti_package(b"PK\x03\x04 broken")


def test_qti_zip_bomb_is_refused_by_declared_size():
    bomb = _zip({"imsmanifest.xml": b"<manifest/>", "big.xml": b"0" * (3 * 1024 * 1024)})
    with pytest.raises(ImportRefused, match="the limit for one file is 2 MB"):
        parse_qti_package(bomb)


def test_format_detection():
    assert detect_format("x.zip", fixture_bytes("qti3/packages/simple.zip")) == "qti"
    assert detect_format("x.xml", fixture_bytes("qti3/items/choice.xml")) == "qti"
    assert detect_format("x.xml", fixture_bytes("moodle/xml/truefalse.xml")) == "moodle-xml"
    assert detect_format("questions.gift.txt", b"::a:: b {T}") == "gift"
    assert detect_format("q.txt", fixture_bytes("moodle/aiken/questions.aiken.txt")) == "aiken"
    with pytest.raises(ImportRefused, match="Unknown format"):
        parse_questions("x", b"", "csv")
