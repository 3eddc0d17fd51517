"""Case runs: starting or resuming one, choosing (once per step), replaying, and insight.

A run keeps the case as it was when the run began (`CaseRun.snapshot`); the player and the
debrief read only that, so editing or republishing a case never rewrites a past run. Every
choice names the step it answers and the scene it was offered in: a resubmitted, stale or
tampered choice changes nothing and is refused with a message the player shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import events
from app.accounts.models import User
from app.cases.debrief import Taken
from app.cases.models import CaseRun, CaseRunChoice
from app.catalog.models import Course, Module, ModuleCase
from app.content.casegraph import RISKY_RATINGS
from app.content.casetime import case_minutes
from app.content.spec import CaseSpec
from app.db import FOR_CHANGE, db, utcnow
from app.learning.models import Enrollment


class CaseError(Exception):
    """A refused choice or run; the message is safe to show the learner."""


def case_of_course(course: Course, case_id: int) -> ModuleCase | None:
    """The current case with this id in one of the course's current modules, else None."""
    return db.session.scalar(
        select(ModuleCase)
        .join(Module, Module.id == ModuleCase.module_id)
        .where(
            ModuleCase.id == case_id,
            ModuleCase.retired_at.is_(None),
            Module.course_id == course.id,
            Module.retired_at.is_(None),
        )
    )


def published_case(course: Course, module_slug: str) -> ModuleCase | None:
    """The published case of the course's current module with this slug, else None."""
    return db.session.scalar(
        select(ModuleCase)
        .join(Module, Module.id == ModuleCase.module_id)
        .where(
            Module.course_id == course.id,
            Module.slug == module_slug,
            Module.retired_at.is_(None),
            ModuleCase.retired_at.is_(None),
        )
    )


def case_minutes_by_module(course: Course) -> dict[int, int]:
    """Module id -> the seat time, in minutes, its published case adds (0 for practice)."""
    return {
        module.id: case_minutes(CaseSpec.from_dict(module.active_case.spec))
        for module in course.active_modules
        if module.active_case is not None
    }


def snapshot_of(run: CaseRun) -> CaseSpec:
    """The case as this run played it."""
    return CaseSpec.from_dict(run.snapshot)


def open_run(user: User, case: ModuleCase) -> CaseRun | None:
    """The learner's run in progress of this case, if any."""
    return db.session.scalar(
        select(CaseRun).where(
            CaseRun.user_id == user.id,
            CaseRun.case_id == case.id,
            CaseRun.ended_at.is_(None),
            CaseRun.replaced_at.is_(None),
        )
    )


def latest_run(user: User, case: ModuleCase) -> CaseRun | None:
    """The learner's most recent run of this case (open, ended or replaced)."""
    return db.session.scalar(
        select(CaseRun)
        .where(CaseRun.user_id == user.id, CaseRun.case_id == case.id)
        .order_by(CaseRun.number.desc())
        .limit(1)
    )


def _new_run(user: User, case: ModuleCase, course: Course) -> CaseRun:
    """Add the learner's next run of the case, from its start, snapshotting the case now."""
    spec = CaseSpec.from_dict(case.spec)
    number = db.session.scalar(
        select(func.coalesce(func.max(CaseRun.number), 0)).where(
            CaseRun.user_id == user.id, CaseRun.case_id == case.id
        )
    )
    run = CaseRun(
        user_id=user.id,
        case_id=case.id,
        number=(number or 0) + 1,
        course_version=course.version,
        snapshot=spec.to_dict(),
        current_scene=spec.start,
        steps=0,
        started_at=utcnow(),
    )
    db.session.add(run)
    return run


def start_or_resume(user: User, case: ModuleCase, course: Course) -> CaseRun:
    """The run the player shows: the one in progress, else a new one if none was ever played.

    A learner whose last run ended sees that run (its debrief) until they choose to replay.
    """
    found = open_run(user, case) or latest_run(user, case)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            run = _new_run(user, case, course)
    except IntegrityError:  # a second tab started the first run at the same moment
        run = open_run(user, case)  # type: ignore[assignment]
        if run is None:
            raise
    db.session.commit()
    return run


def replay(user: User, case: ModuleCase, course: Course, run_id: int) -> CaseRun:
    """Start again from the beginning; an unfinished run is left as replaced.

    The form names the run it replays: a second click (or a stale tab) finds that run
    already replaced and gets the new run instead of starting yet another.
    """
    current = open_run(user, case)
    if current is not None and current.id != run_id:
        return current  # this replay was already done (the open run is newer)
    if current is not None:
        db.session.refresh(current, with_for_update=FOR_CHANGE)
        if current.is_open:
            current.replaced_at = utcnow()
            db.session.flush()
    try:
        with db.session.begin_nested():
            run = _new_run(user, case, course)
    except IntegrityError:  # another tab replayed at the same moment
        existing = open_run(user, case)
        if existing is None:
            raise
        return existing
    db.session.commit()
    return run


def choose(
    user: User,
    run: CaseRun,
    course: Course,
    enrollment: Enrollment,
    step: int,
    scene_id: str,
    choice: int,
) -> CaseRunChoice:
    """Make the choice numbered `choice` in scene `scene_id` as step `step` of the run.

    Refused (nothing changes) when the run is over, the step was already answered (a
    replayed POST or another tab), the scene is not where the run is, or the choice is
    not one the scene offers. Reaching an ending records it and sends `case_ended`, in
    this transaction, so module completion is decided at once.
    """
    db.session.refresh(run, with_for_update=FOR_CHANGE)
    if run.user_id != user.id:
        raise CaseError("This run belongs to someone else.")
    if not run.is_open:
        raise CaseError("This run is over: your choices in it are final. Replay to try again.")
    if step != run.steps + 1 or scene_id != run.current_scene:
        raise CaseError(
            "That choice was already made (choices are final). Here is where you are now."
        )
    spec = snapshot_of(run)
    scene = spec.scene(run.current_scene)
    if scene is None or not 1 <= choice <= len(scene.choices):
        raise CaseError("Choose one of the options this scene offers.")
    picked = scene.choices[choice - 1]
    made = CaseRunChoice(
        run_id=run.id,
        step=step,
        scene=scene.id,
        choice=choice,
        text=picked.text,
        rating=picked.rating,
        next_scene=picked.next,
        chosen_at=utcnow(),
    )
    db.session.add(made)
    run.steps = step
    run.current_scene = picked.next
    following = spec.scene(picked.next)
    if following is not None and following.ending is not None:
        run.ended_at = made.chosen_at
        run.ending_rating = following.ending.rating
        run.score = following.ending.score
    db.session.flush()
    if run.ended_at is not None:
        # learning.listeners settles module and course completion before the commit below.
        events.case_ended.emit(events.CaseEnded(user, course, enrollment, run))
    db.session.commit()
    return made


def taken(run: CaseRun) -> list[Taken]:
    """The choices of a run, in order, as the debrief reads them."""
    return [Taken(c.scene, c.choice, c.text, c.rating) for c in run.choices]


def runs_of(user: User, case: ModuleCase) -> list[CaseRun]:
    """The learner's runs of the case, newest first."""
    return list(
        db.session.scalars(
            select(CaseRun)
            .where(CaseRun.user_id == user.id, CaseRun.case_id == case.id)
            .order_by(CaseRun.number.desc())
        )
    )


@dataclass(frozen=True)
class EndingCount:
    """How many runs reached one ending."""

    scene: str
    title: str
    outcome: str
    rating: str
    runs: int


@dataclass(frozen=True)
class ChoiceCount:
    """How often one choice of one scene was taken."""

    scene: str
    scene_title: str
    text: str
    rating: str
    taken: int
    share: float | None  # of all choices made in that scene


@dataclass(frozen=True)
class RiskyScene:
    """A scene where learners chose a risky or harmful option, and how often."""

    scene: str
    title: str
    risky: int
    total: int

    @property
    def share(self) -> float:
        """Risky or harmful choices as a share of all choices made here."""
        return self.risky / self.total if self.total else 0.0


@dataclass(frozen=True)
class CaseInsight:
    """What learners did with one case: endings reached, choices taken, risky scenes."""

    runs: int
    ended: int
    endings: tuple[EndingCount, ...]
    choices: tuple[ChoiceCount, ...]
    risky_scenes: tuple[RiskyScene, ...]


def case_insight(case: ModuleCase) -> CaseInsight:
    """Counts over every run of the case (each run counts its own snapshot's scenes).

    Scenes and choices are listed as the current case has them; a choice that only an
    earlier version offered is counted under its own text.
    """
    spec = CaseSpec.from_dict(case.spec)
    runs = db.session.scalar(select(func.count()).where(CaseRun.case_id == case.id)) or 0
    ended_rows = db.session.execute(
        select(CaseRun.current_scene, func.count())
        .where(CaseRun.case_id == case.id, CaseRun.ended_at.is_not(None))
        .group_by(CaseRun.current_scene)
    ).all()
    reached = {scene_id: runs_ended for scene_id, runs_ended in ended_rows}
    endings = tuple(
        EndingCount(s.id, s.title, s.ending.outcome, s.ending.rating, reached.get(s.id, 0))
        for s in spec.scenes
        if s.ending is not None
    )
    choice_rows = db.session.execute(
        select(CaseRunChoice.scene, CaseRunChoice.text, CaseRunChoice.rating, func.count())
        .join(CaseRun, CaseRun.id == CaseRunChoice.run_id)
        .where(CaseRun.case_id == case.id)
        .group_by(CaseRunChoice.scene, CaseRunChoice.text, CaseRunChoice.rating)
    ).all()
    counts = {(scene, text, rating): n for scene, text, rating, n in choice_rows}
    per_scene: dict[str, int] = {}
    for (scene_id, _text, _rating), n in counts.items():
        per_scene[scene_id] = per_scene.get(scene_id, 0) + n
    listed = []
    for scene in spec.scenes:
        for choice in scene.choices:
            key = (scene.id, choice.text, choice.rating)
            n = counts.pop(key, 0)
            total = per_scene.get(scene.id, 0)
            listed.append(
                ChoiceCount(
                    scene.id,
                    scene.title,
                    choice.text,
                    choice.rating,
                    n,
                    n / total if total else None,
                )
            )
    for (scene_id, text, rating), n in sorted(counts.items()):  # from earlier versions
        title = f"{_title(spec, scene_id)} (earlier version)"
        listed.append(ChoiceCount(scene_id, title, text, rating, n, n / per_scene[scene_id]))
    risky: dict[str, int] = {}
    for scene_id, _text, rating, n in choice_rows:
        if rating in RISKY_RATINGS:
            risky[scene_id] = risky.get(scene_id, 0) + n
    scenes = sorted(
        (
            RiskyScene(scene_id, _title(spec, scene_id), n, per_scene[scene_id])
            for scene_id, n in risky.items()
        ),
        key=lambda r: (-r.share, -r.risky, r.title),
    )
    return CaseInsight(
        runs,
        sum(reached.values()),
        endings,
        tuple(sorted(listed, key=lambda c: _scene_order(spec, c.scene))),
        tuple(scenes),
    )


def _title(spec: CaseSpec, scene_id: str) -> str:
    scene = spec.scene(scene_id)
    return scene.title if scene is not None else scene_id


def _scene_order(spec: CaseSpec, scene_id: str) -> int:
    ids = [scene.id for scene in spec.scenes]
    return ids.index(scene_id) if scene_id in ids else len(ids)
