"""Case time as pure rules: the cheapest qualifying path through a required case (no app).

Every expected figure is worked out by hand in the test: words are read at 238 a minute
(rounded up to a second once per path) and each decision counts 2 minutes (120 s).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from app.content.casegraph import check_case
from app.content.casetime import case_min_seconds, cheapest_path, ending_words, scene_words
from app.content.spec import CaseChoiceSpec, CaseSpec, EndingSpec, SceneSpec, StatusLineSpec
from tests.cases.helpers import case_spec
from tests.factories import course_spec


def words(n: int) -> str:
    return " ".join(["word"] * n)


def go(target: str, rating: str = "best", feedback: int = 1) -> CaseChoiceSpec:
    """A one-word choice ("Go") with `feedback` words of feedback."""
    return CaseChoiceSpec(text="Go", rating=rating, next=target, feedback=words(feedback))


def scene(scene_id: str, narrative: int, *choices: CaseChoiceSpec) -> SceneSpec:
    """A scene titled with one word, `narrative` words long, offering `choices`."""
    return SceneSpec(id=scene_id, title="Scene", narrative=words(narrative), choices=choices)


def end(scene_id: str, rating: str, debrief: int) -> SceneSpec:
    """An ending: title (1 word), narrative (1), outcome (1) and `debrief` words."""
    return SceneSpec(
        id=scene_id,
        title="End",
        narrative="Over.",
        ending=EndingSpec(
            outcome="Outcome",
            rating=rating,
            score=50,
            debrief=words(debrief),
            objectives=("goal",),
        ),
    )


def case(requirement: str, *scenes: SceneSpec) -> CaseSpec:
    return CaseSpec(
        slug="c",
        title="C",
        summary="C.",
        requirement=requirement,
        start=scenes[0].id,
        scenes=scenes,
    )


def test_a_practice_case_adds_no_time():
    practice = case("none", scene("s", 100, go("e"), go("e")), end("e", "best", 10))
    assert case_min_seconds(practice) == 0
    assert cheapest_path(practice) is None


def test_the_shared_test_case_by_hand():
    # start: title 3 + narrative 2 + client 3 + status 2 + choices 1+3+3 = 17 words;
    # middle: 3 + 3 + choices 1+3 = 10; each ending 2+3+2+2 = 9; feedback "Feedback: X."
    assert scene_words(case_spec().scenes[0]) == 17
    assert scene_words(case_spec().scenes[1]) == 10
    assert ending_words(case_spec().scenes[2]) == 9
    # Any ending: start 17 + "Leave the room" feedback 4 + harmful ending 9 = 30 words,
    # 1 decision: ceil(30 x 60 / 238) = 8 s + 120 s.
    assert cheapest_path(case_spec("ending")) == (30, 1)
    assert case_min_seconds(case_spec("ending")) == 128
    # Acceptable: the harmful ending no longer counts; start 17 + "Orient" feedback 2 +
    # middle 10 + "Wait" feedback 2 + acceptable ending 9 = 40 words, 2 decisions:
    # ceil(2400 / 238) = 11 s + 240 s ("Call the team" has 2 more feedback words).
    assert cheapest_path(case_spec("acceptable_ending")) == (40, 2)
    assert case_min_seconds(case_spec("acceptable_ending")) == 251


def test_an_acceptable_ending_requirement_skips_a_cheaper_harmful_ending():
    graph = (
        scene("s", 10, go("harm", "harmful"), go("m")),  # 1 + 10 + 2 choice words = 13
        end("harm", "harmful", 1),  # 4 words
        scene("m", 20, go("ok", "acceptable"), go("best", "best", feedback=50)),  # 23
        end("ok", "acceptable", 100),  # 103 words
        end("best", "best", 1),  # 4 words, but its choice has 50 words of feedback
    )
    # Any ending: 13 + feedback 1 + 4 = 18 words, 1 decision: ceil(1080/238) = 5 s + 120.
    assert case_min_seconds(case("ending", *graph)) == 125
    # Acceptable or best: to "ok" 13+1+23+1+103 = 141 words; to "best" 13+1+23+50+4 = 91
    # words: ceil(5460 / 238) = 23 s + 2 decisions = 263 s.
    assert cheapest_path(case("acceptable_ending", *graph)) == (91, 2)
    assert case_min_seconds(case("acceptable_ending", *graph)) == 263


def test_a_loop_is_not_walked_around_and_costs_nothing_extra():
    graph = (
        scene("s", 5, go("s", "risky"), go("m")),  # 8 words; "s" loops to itself
        scene("m", 5, go("s", "risky"), go("e")),  # 8 words; "m" loops back to start
        end("e", "best", 1),  # 4 words
    )
    # s 8 + fb 1 + m 8 + fb 1 + e 4 = 22 words, 2 decisions: ceil(1320/238) = 6 s + 240 s.
    assert case_min_seconds(case("acceptable_ending", *graph)) == 246


def test_an_unreachable_cheap_ending_does_not_count():
    graph = (
        scene("s", 10, go("far"), go("far")),  # 13 words
        end("far", "best", 226),  # 229 words
        end("near", "best", 0),  # 3 words, reached by no choice
    )
    # 13 + 1 + 229 = 243 words, 1 decision: ceil(14580 / 238) = 62 s + 120 s.
    assert case_min_seconds(case("acceptable_ending", *graph)) == 182


def test_two_minutes_a_decision_can_outweigh_a_long_read():
    graph = (
        scene("s", 1, go("long"), go("m")),  # 4 words
        end("long", "best", 234),  # 237 words: one decision and about a minute of reading
        scene("m", 1, go("short"), go("short")),  # 4 words
        end("short", "best", 0),  # 3 words: less to read, one more decision
    )
    # Via "long": 4 + 1 + 237 = 242 words = ceil(14520/238) = 62 s, + 120 = 182 s.
    # Via "m": 4 + 1 + 4 + 1 + 3 = 13 words = 4 s, + 240 = 244 s. The long read is cheaper.
    assert cheapest_path(case("ending", *graph)) == (242, 1)
    assert case_min_seconds(case("ending", *graph)) == 182


def test_only_text_the_player_shows_is_counted():
    graph = case(
        "ending",
        SceneSpec(
            id="s",
            title="Two words",
            narrative="A *short* [scene](https://example.org/a-long-address).",  # 3 words
            client_says="I feel far away.",  # 4
            status=(StatusLineSpec(label="Breathing", value="Slow and even"),),  # 4
            choices=(go("e", feedback=7), go("e", feedback=500)),  # 2; feedback 7 is taken
        ),
        dataclasses.replace(
            end("e", "best", 2),  # title, narrative, outcome, 2 debrief words: 5
            client_says=words(300),  # the debrief does not show these
            status=(StatusLineSpec(label="Alertness", value=words(300)),),
        ),
    )
    # 2 + 3 + 4 + 4 + 2 + 7 + 5 = 27 words: ceil(1620 / 238) = 7 s + 120 s.
    assert cheapest_path(graph) == (27, 1)
    assert case_min_seconds(graph) == 127


def test_a_case_that_cannot_meet_its_requirement_adds_nothing_and_is_reported():
    only_harm = case(
        "acceptable_ending",
        scene("s", 1, go("bad", "harmful"), go("worse", "harmful")),
        end("bad", "risky", 1),
        end("worse", "harmful", 1),
    )
    assert case_min_seconds(only_harm) == 0
    assert [p.message for p in check_case(only_harm, ("goal",), ())] == [
        "the case requires an ending rated acceptable or best, "
        "but no such ending can be reached from the start"
    ]
    assert check_case(dataclasses.replace(only_harm, requirement="ending"), ("goal",), ()) == []


def test_a_course_adds_its_required_cases_to_seat_time_and_total_minutes():
    spec = course_spec()  # 4 lessons of 6 words (2 s each), 6 questions (2 min each)
    assert spec.seat_time_hours() == Decimal("0.20")  # 8 s + 720 s = 728 s
    assert spec.total_minutes() == 4 * 30 + 12
    required = case("ending", scene("s", 1, go("e"), go("e")), end("e", "best", 2011))
    # 4 + 1 + 2014 = 2019 words: ceil(121140 / 238) = 509 s, + 120 s = 629 s.
    assert case_min_seconds(required) == 629
    first, second = spec.modules
    with_case = dataclasses.replace(
        spec,
        modules=(
            dataclasses.replace(first, case=required),
            dataclasses.replace(second, case=dataclasses.replace(required, requirement="none")),
        ),
    )
    assert with_case.case_seconds() == 629
    # (728 + 629) s = 1357 s = 0.3769... h, two decimals rounded down.
    assert with_case.seat_time_hours() == Decimal("0.37")
    assert with_case.total_minutes() == 4 * 30 + 12 + 10  # 629 s: 10 whole minutes
