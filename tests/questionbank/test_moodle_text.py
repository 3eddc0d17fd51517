"""GIFT and Aiken, read from Moodle's own test fixtures; expectations from Moodle's tests."""

from __future__ import annotations

import pytest

from app.questionbank.aiken import parse_aiken
from app.questionbank.checks import blocking_problems
from app.questionbank.gift import parse_gift
from app.questionbank.result import ImportRefused
from tests.questionbank.interop import fixture_bytes


def test_gift_imports_choice_and_true_false_and_skips_the_rest_with_reasons():
    result = parse_gift(fixture_bytes("moodle/gift/questions.gift.txt"), "questions.gift.txt")
    assert [q.name for q in result.questions] == ["Q2", "colours", "Q1", "2-08 TSL", "2-08 TSL"]
    assert [(s.where, s.type) for s in result.skipped] == [
        ("questions.gift.txt:2", "essay"),
        ("questions.gift.txt:5", "matching"),
        ("questions.gift.txt:31", "numerical"),
        ("questions.gift.txt:34", "short answer"),
    ]
    q2, colours, q1, tsl_t, tsl_true = result.questions
    # giftformat_test::test_import_multichoice: '=yellow' is the one right answer, with feedback.
    assert q2.kind == "single"
    assert [(c.text, c.correct, c.feedback) for c in q2.choices] == [
        ("yellow", True, "right; good!"),
        ("red", False, "wrong, it's yellow"),
        ("blue", False, "wrong, it's yellow"),
    ]
    # test_import_multichoice_multi: no '=' means several answers; 50% + 50% are right.
    assert colours.kind == "multiple"
    assert colours.correct_texts == ["yellow", "off-beige"]
    assert any("penalties" in note for note in colours.notes)
    # test_import_truefalse_true_answer2: FALSE is right; the first '#' is feedback when wrong.
    assert q1.kind == "true_false" and q1.correct_texts == ["False"]
    assert dict((c.text, c.feedback) for c in q1.choices) == {
        "True": "42 is the Ultimate Answer.",
        "False": "You gave the right answer.",
    }
    assert q1.explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert tsl_t.correct_texts == ["True"] and tsl_true.correct_texts == ["True"]


def test_gift_category_lines_are_not_questions_and_html_becomes_text():
    result = parse_gift(fixture_bytes("moodle/gift/questions_in_category.gift.txt"))
    greeting, acronym = result.questions
    assert greeting.prompt == "Listen to this greeting:\n\nWhat language is being spoken?"
    assert greeting.correct_texts == ["French"]
    assert acronym.kind == "true_false" and acronym.correct_texts == ["True"]
    assert "<span" not in acronym.prompt
    assert [s.type for s in result.skipped] == ["matching", "short answer"]


def test_gift_in_windows_1252_is_refused_with_a_clear_message():
    data = fixture_bytes("moodle/gift/questions_encoding_windows-1252.gift.txt")
    with pytest.raises(ImportRefused, match=r"not UTF-8 text \(byte 0xF6 on line 15\)"):
        parse_gift(data, "q.gift.txt")


def test_gift_escapes_and_weights():
    data = b"::E:: Is 2 \\= 2 \\{really\\}? {\n=yes \\# sure\n~no\n}\n"
    (question,) = parse_gift(data).questions
    assert question.prompt == "Is 2 = 2 {really}?"
    assert [c.text for c in question.choices] == ["yes # sure", "no"]


def test_gift_partial_credit_maps_to_all_or_nothing():
    (multi,) = parse_gift(b"::P:: Pick {~%50%half ~%50%other half ~none}").questions
    assert multi.kind == "multiple" and multi.correct_texts == ["half", "other half"]
    result = parse_gift(b"::P:: Pick {~a ~b}", "p.gift")
    assert result.questions == []
    assert result.skipped[0].reason == "no choice is worth any marks"
    result = parse_gift(b"::P:: Pick {=one ~%50%half ~none}")
    (question,) = result.questions
    assert question.correct_texts == ["one"]
    assert "choices with partial credit became wrong choices" in question.notes


def test_gift_markdown_in_plain_text_is_escaped_not_rendered():
    (question,) = parse_gift(b"::M:: Click [here](javascript:alert(1)) <b>now</b> {T}").questions
    assert question.prompt == "Click \\[here\\](javascript:alert(1)) \\<b>now\\</b>"


def test_aiken_imports_the_two_moodle_questions():
    result = parse_aiken(fixture_bytes("moodle/aiken/questions.aiken.txt"))
    first, second = result.questions
    # aikenformat_test: 'ANSWER: B' makes Martin Dougiamas the right answer.
    assert first.kind == "single" and first.correct_texts == ["Martin Dougiamas"]
    assert len(first.choices) == 4
    # A) True B) False becomes Groundwork's true/false kind; the HTML stays text.
    assert second.kind == "true_false" and second.correct_texts == ["True"]
    assert '\\<html class="cool">' in second.prompt
    assert result.skipped == []


def test_aiken_errors_keep_the_three_good_questions_and_say_where_the_bad_ones_are():
    result = parse_aiken(fixture_bytes("moodle/aiken/aiken_errors.txt"), "aiken_errors.txt")
    assert [q.correct_texts for q in result.questions] == [
        ["Correct"],
        ["Correct (No space)"],
        ["Correct (< > &)"],
    ]
    assert [(s.where, s.reason) for s in result.skipped] == [
        ("aiken_errors.txt:1", "a question needs at least two options"),
        ("aiken_errors.txt:5", "an option with no question before it"),
        ("aiken_errors.txt:7", "an ANSWER line with no question"),
        ("aiken_errors.txt:14", "no ANSWER line after the options"),
    ]


def test_aiken_answer_not_among_options_is_skipped():
    result = parse_aiken(b"Q?\nA) a\nB) b\nANSWER: C\n", "x.txt")
    assert result.questions == []
    assert result.skipped[0].reason == "the answer 'C' is not one of the options (A, B)"


def test_oversize_text_file_is_refused():
    with pytest.raises(ImportRefused, match="limit for a question file is 2 MB"):
        parse_aiken(b"x" * (2 * 1024 * 1024 + 1))


def test_escaped_html_text_passes_the_course_formats_raw_html_rule():
    result = parse_aiken(fixture_bytes("moodle/aiken/questions.aiken.txt"))
    assert [blocking_problems(q) for q in result.questions] == [[], []]
    (bad,) = parse_gift(b"::B:: Same twice {=x ~x}").questions
    assert blocking_problems(bad) == ["duplicate choice text 'x'"]
