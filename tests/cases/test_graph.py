"""The case graph rules and the debrief, as pure functions (no app, no database)."""

from __future__ import annotations

import dataclasses

from app.cases.debrief import Taken, debrief
from app.content.casegraph import (
    MAX_SCENES,
    check_case,
    rated_well,
    reachable,
    reaches_an_ending,
    recommended_path,
)
from app.content.spec import CaseSpec, SceneSpec
from tests.cases.helpers import case_spec, choice, ending

OBJECTIVES, LESSONS = ("goal",), ("lesson-1", "lesson-2")


def messages(case: CaseSpec) -> list[tuple[int | None, int | None, str | None, str]]:
    return [(p.scene, p.choice, p.key, p.message) for p in check_case(case, OBJECTIVES, LESSONS)]


def with_scene(case: CaseSpec, index: int, **changes: object) -> CaseSpec:
    scenes = list(case.scenes)
    scenes[index] = dataclasses.replace(scenes[index], **changes)
    return dataclasses.replace(case, scenes=tuple(scenes))


def test_the_test_case_is_sound() -> None:
    case = case_spec()
    assert messages(case) == []
    assert reachable(case) == {"start", "middle", "good", "ok", "bad"}
    assert reaches_an_ending(case) == reachable(case)


def test_the_recommended_path_follows_the_best_rated_choices() -> None:
    path = recommended_path(case_spec())
    assert [(scene.id, index) for scene, index in path] == [
        ("start", 0),
        ("middle", 1),
        ("good", None),
    ]


def test_an_unreachable_scene_is_named() -> None:
    case = case_spec()
    case = dataclasses.replace(case, scenes=(*case.scenes, ending("orphan", "best", 100)))
    assert messages(case) == [(5, None, None, "scene 'orphan' cannot be reached from the start")]


def test_a_dead_end_is_not_an_ending() -> None:
    case = with_scene(case_spec(), 1, choices=())
    found = messages(case)
    assert (1, None, None, "scene 'middle' has no way forward and is not an ending") in found


def test_choices_need_a_rating_and_a_target_that_exists() -> None:
    start = case_spec().scenes[0]
    broken = (
        dataclasses.replace(start.choices[0], rating=""),
        dataclasses.replace(start.choices[1], next=""),
        dataclasses.replace(start.choices[2], next="nowhere", rating="fine"),
    )
    found = messages(with_scene(case_spec(), 0, choices=broken))
    assert (0, 0, "rating", "choice has no rating (best, acceptable, risky or harmful)") in found
    assert (0, 1, "next", "choice has no target scene (next)") in found
    assert (0, 2, "next", "choice leads to 'nowhere', which is not a scene of this case") in found
    assert any(p[:3] == (0, 2, "rating") for p in found)


def test_a_loop_with_no_way_out_is_found_even_with_endings_elsewhere() -> None:
    case = with_scene(
        case_spec(),
        1,
        choices=(choice("Again", "risky", "middle"), choice("Back", "best", "middle")),
    )
    found = messages(case)
    assert any(p[0] == 1 and "loop with no way out" in p[3] for p in found)
    assert "start" in reaches_an_ending(case) and "middle" not in reaches_an_ending(case)
    # The best choice of the start leads into the loop: the recommended path never ends.
    assert any(p[2] == "start" and "never reaches an ending" in p[3] for p in found)


def test_endings_are_tied_to_objectives_and_lessons_of_the_module() -> None:
    good = case_spec().scenes[2]
    assert good.ending is not None
    untied = dataclasses.replace(good.ending, objectives=())
    found = messages(with_scene(case_spec(), 2, ending=untied))
    assert found == [(2, None, "objectives", "ending is not tied to an objective")]
    unknown = dataclasses.replace(good.ending, objectives=("other",), lessons=("nope",), score=150)
    found = messages(with_scene(case_spec(), 2, ending=unknown))
    assert {p[2] for p in found} == {"objectives", "lessons", "score"}


def test_an_ending_offers_no_choices_and_a_scene_two_to_five() -> None:
    case = with_scene(case_spec(), 2, choices=(choice("More", "best", "ok"),))
    assert (
        2,
        None,
        "choices",
        "an ending offers no choices (remove them or the ending)",
    ) in messages(case)
    six = tuple(choice(f"C{i}", "best", "good") for i in range(6))
    assert (1, None, "choices", "scene offers 6 choice(s); a scene offers two to five") in messages(
        with_scene(case_spec(), 1, choices=six)
    )


def test_size_limits() -> None:
    case = case_spec()
    extra = tuple(
        SceneSpec(id=f"s{i}", title="S", narrative="N", choices=(choice("Go", "best", "good"),) * 2)
        for i in range(MAX_SCENES)
    )
    found = messages(dataclasses.replace(case, scenes=case.scenes + extra))
    assert (
        None,
        None,
        "scenes",
        f"case has {MAX_SCENES + 5} scenes; at most {MAX_SCENES}",
    ) in found
    long = with_scene(case, 0, narrative="x" * 3001, client_says="y" * 601)
    assert {p[2] for p in messages(long)} == {"narrative", "client_says"}


def test_a_start_that_is_no_scene_and_a_case_without_an_ending() -> None:
    case = dataclasses.replace(case_spec(), start="missing")
    assert (None, None, "start", "start 'missing' is not a scene of this case") in messages(case)
    no_endings = dataclasses.replace(case_spec(), scenes=case_spec().scenes[:2])
    assert (None, None, "scenes", "case has no ending") in messages(no_endings)


def test_rated_well_means_acceptable_or_best() -> None:
    assert [rated_well(r) for r in ("best", "acceptable", "risky", "harmful", None)] == [
        True, True, False, False, False,
    ]  # fmt: skip


def test_the_debrief_puts_the_path_taken_beside_the_recommended_one() -> None:
    case = case_spec()
    result = debrief(
        case,
        [Taken("start", 3, "Dig for detail", "risky"), Taken("middle", 1, "Wait", "acceptable")],
        "ok",
    )
    assert [(s.scene_title, s.choice_text, s.rating) for s in result.taken] == [
        ("The first scene", "Dig for detail", "risky"),
        ("The second scene", "Wait", "acceptable"),
    ]
    assert result.taken[0].feedback == "Feedback: Dig for detail."
    assert [s.choice_text for s in result.recommended] == ["Orient", "Call the team"]
    assert all(s.on_recommended_path for s in result.recommended)
    assert not any(s.on_recommended_path for s in result.taken)
    assert result.ending is not None and result.ending.score == 60
    assert not result.followed_recommended
    best = debrief(
        case,
        [Taken("start", 1, "Orient", "best"), Taken("middle", 2, "Call the team", "best")],
        "good",
    )
    assert best.followed_recommended and best.ending_scene is not None
    assert best.ending_scene.id == "good"
