"""Completion rules as pure functions over a course outline and a learner's record.

The rules (also in docs/completion.md):
- A lesson is complete when the learner marks it complete (after the course's
  minimum seat time).
- A module is complete when all its current lessons are complete, its quiz is
  passed and, when the module requires its case, a run of the case reached an ending
  (rated at least acceptable, when the module asks for that). Once recorded, a module
  completion is never taken back: a lesson added later does not undo it.
- A course is complete when every current module is complete and its final
  post-test, if any, is passed. Once recorded, it is never taken back.
- When a course unlocks modules in order, a module opens once the one before it
  is complete. A module's quiz opens once its lessons are complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class LessonStep:
    """A lesson as the outline needs it."""

    id: int
    slug: str
    title: str
    minutes: int
    number: str  # "2.3": module 2, lesson 3
    module_slug: str
    #: The least seat time the lesson asks for (``Lesson.min_seconds``).
    min_seconds: int = 0
    #: What the lesson depicts (``Lesson.advisories``): asked before the lesson opens.
    advisories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleOutline:
    """A module: its lessons in order and its quiz."""

    id: int
    slug: str
    title: str
    number: int
    lessons: tuple[LessonStep, ...]
    quiz_id: int | None
    #: The module's case simulation, if any, and what completion asks of it
    #: ("none", "ending" or "acceptable_ending").
    case_id: int | None = None
    case_rule: str = "none"

    @property
    def case_required(self) -> bool:
        """Whether module completion waits for the case."""
        return self.case_id is not None and self.case_rule != "none"


@dataclass(frozen=True)
class CourseOutline:
    """The current shape of a course."""

    modules: tuple[ModuleOutline, ...]
    unlock_in_order: bool
    final_quiz_id: int | None = None


@dataclass(frozen=True)
class LearnerRecord:
    """What one learner has done in one course."""

    completed_lessons: frozenset[int] = frozenset()
    passed_quizzes: frozenset[int] = frozenset()
    completed_modules: frozenset[int] = frozenset()
    course_completed: bool = False
    #: Lessons the learner has opened at least once.
    visited_lessons: frozenset[int] = frozenset()
    #: Cases with a run that reached an ending, and with one rated acceptable or best.
    cases_ended: frozenset[int] = frozenset()
    cases_ended_well: frozenset[int] = frozenset()


#: A step's state in the outline: done (complete or passed), locked, or open.
DONE, LOCKED, OPEN = "done", "locked", "open"


@dataclass(frozen=True)
class ModuleMarks:
    """One module of the outline as a learner sees it: its own mark and each step's."""

    module: ModuleOutline
    mark: str  # DONE, LOCKED or OPEN
    lessons: tuple[tuple[LessonStep, str], ...]
    quiz: str | None  # the quiz's mark, None when the module has no quiz
    case: str | None = None  # the case's mark, None when the module has no case


@dataclass(frozen=True)
class NextStep:
    """Where to continue: a lesson, a module quiz, the final post-test, or nothing left."""

    kind: str  # "lesson", "quiz", "case", "final" or "done"
    module: ModuleOutline | None = None
    lesson: LessonStep | None = None
    final_quiz_id: int | None = None


@dataclass(frozen=True)
class CourseProgress:
    """A learner's progress through a course, derived from the outline and their record."""

    outline: CourseOutline
    record: LearnerRecord
    _complete_modules: frozenset[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        done = frozenset(m.id for m in self.outline.modules if self._module_done(m))
        object.__setattr__(self, "_complete_modules", done)

    def _module_done(self, module: ModuleOutline) -> bool:
        if module.id in self.record.completed_modules:
            return True
        lessons_done = all(le.id in self.record.completed_lessons for le in module.lessons)
        quiz_done = module.quiz_id is None or module.quiz_id in self.record.passed_quizzes
        return lessons_done and quiz_done and self.case_met(module)

    def case_met(self, module: ModuleOutline) -> bool:
        """Whether the module's case rule holds (always, when it requires nothing)."""
        if not module.case_required:
            return True
        if module.case_rule == "acceptable_ending":
            return module.case_id in self.record.cases_ended_well
        return module.case_id in self.record.cases_ended

    def required_cases(self) -> tuple[int, int]:
        """(met, required): the course's required cases whose rule holds, and how many."""
        required = [m for m in self.outline.modules if m.case_required]
        return sum(1 for m in required if self.case_met(m)), len(required)

    def case_ended(self, module: ModuleOutline) -> bool:
        """Whether some run of the module's case reached an ending."""
        return module.case_id is not None and module.case_id in self.record.cases_ended

    def lesson_complete(self, lesson: LessonStep) -> bool:
        """Whether the learner completed this lesson."""
        return lesson.id in self.record.completed_lessons

    def quiz_passed(self, quiz_id: int | None) -> bool:
        """Whether the learner passed this quiz."""
        return quiz_id is not None and quiz_id in self.record.passed_quizzes

    def module_complete(self, module: ModuleOutline) -> bool:
        """Whether the module is complete (or was recorded complete before)."""
        return module.id in self._complete_modules

    def blocking_module(self, module: ModuleOutline) -> ModuleOutline | None:
        """The earlier module that keeps this one locked, if any."""
        if not self.outline.unlock_in_order:
            return None
        for earlier in self.outline.modules:
            if earlier.id == module.id:
                return None
            if not self.module_complete(earlier):
                return earlier
        return None

    def module_unlocked(self, module: ModuleOutline) -> bool:
        """Whether the learner may open this module's lessons."""
        return self.blocking_module(module) is None

    def quiz_unlocked(self, module: ModuleOutline) -> bool:
        """Whether the module's quiz is open: module unlocked and its lessons complete."""
        return self.module_unlocked(module) and all(
            self.lesson_complete(le) for le in module.lessons
        )

    def marks(self) -> tuple[ModuleMarks, ...]:
        """Every module's and step's mark in one pass, for the outline beside each page."""
        rows = []
        earlier_complete = True
        for module in self.outline.modules:
            unlocked = earlier_complete or not self.outline.unlock_in_order
            complete = module.id in self._complete_modules
            earlier_complete = earlier_complete and complete
            waiting = OPEN if unlocked else LOCKED
            lessons = tuple(
                (le, DONE if le.id in self.record.completed_lessons else waiting)
                for le in module.lessons
            )
            quiz = None
            if module.quiz_id is not None:
                if module.quiz_id in self.record.passed_quizzes:
                    quiz = DONE
                elif unlocked and all(mark == DONE for _, mark in lessons):
                    quiz = OPEN
                else:
                    quiz = LOCKED
            case = None
            if module.case_id is not None:
                met = self.case_met(module) if module.case_required else self.case_ended(module)
                case = DONE if met else waiting
            mark = DONE if complete else OPEN if unlocked else LOCKED
            rows.append(ModuleMarks(module, mark, lessons, quiz, case))
        return tuple(rows)

    def final_unlocked(self) -> bool:
        """Whether the final post-test is open: every module complete."""
        return all(self.module_complete(m) for m in self.outline.modules)

    @property
    def course_complete(self) -> bool:
        """Whether the whole course is complete (or was recorded complete before)."""
        if self.record.course_completed:
            return True
        final = self.outline.final_quiz_id
        return self.final_unlocked() and (final is None or final in self.record.passed_quizzes)

    @cached_property
    def steps_total(self) -> int:
        """Lessons plus quizzes in the course."""
        lessons = sum(len(m.lessons) for m in self.outline.modules)
        quizzes = sum(1 for m in self.outline.modules if m.quiz_id is not None)
        cases = sum(1 for m in self.outline.modules if m.case_required)
        return lessons + quizzes + cases + (1 if self.outline.final_quiz_id else 0)

    @cached_property
    def steps_done(self) -> int:
        """Lessons completed plus quizzes passed, counting only current ones."""
        done = 0
        for module in self.outline.modules:
            done += sum(1 for le in module.lessons if self.lesson_complete(le))
            done += 1 if self.quiz_passed(module.quiz_id) else 0
            done += 1 if module.case_required and self.case_met(module) else 0
        return done + (1 if self.quiz_passed(self.outline.final_quiz_id) else 0)

    @cached_property
    def percent(self) -> int:
        """Progress as a whole percent; 100 once the course is complete."""
        if self.course_complete:
            return 100
        if not self.steps_total:
            return 0
        return min(99, self.steps_done * 100 // self.steps_total)

    def next_step(self) -> NextStep:
        """The first thing left to do, in course order."""
        for module in self.outline.modules:
            if self.module_complete(module):
                continue
            for lesson in module.lessons:
                if not self.lesson_complete(lesson):
                    return NextStep("lesson", module, lesson)
            if self.quiz_passed(module.quiz_id) and not self.case_met(module):
                return NextStep("case", module)
            return NextStep("quiz", module)
        if not self.course_complete and self.outline.final_quiz_id is not None:
            return NextStep("final", final_quiz_id=self.outline.final_quiz_id)
        return NextStep("done")

    def find_lesson(self, lesson_id: int) -> LessonStep | None:
        """The current lesson with this id, if the course has it."""
        return next(
            (le for m in self.outline.modules for le in m.lessons if le.id == lesson_id), None
        )

    def neighbours(self, lesson_id: int) -> tuple[LessonStep | None, LessonStep | None]:
        """The lessons before and after ``lesson_id`` across the whole course."""
        flat = [le for m in self.outline.modules for le in m.lessons]
        index = next((i for i, le in enumerate(flat) if le.id == lesson_id), None)
        if index is None:
            return None, None
        before = flat[index - 1] if index > 0 else None
        after = flat[index + 1] if index + 1 < len(flat) else None
        return before, after
