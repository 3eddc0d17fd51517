"""The benchmark catalog: 20 generated courses of 5 modules of 5 lessons, as specs.

The specs go through the real importer, so lessons are rendered and sanitised exactly
as authored ones are. Every module quiz asks five questions, except the first module
of the quiz-day course, whose quiz asks sixteen (the quiz-day load test takes it).
"""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

from app.content.credit import ce_hours_ceiling
from app.content.spec import (
    ChoiceSpec,
    CourseSpec,
    InstructorSpec,
    LessonSpec,
    ModuleSpec,
    ObjectiveSpec,
    QuestionSpec,
    QuizSpec,
)

COURSE_COUNT = 20
MODULES_PER_COURSE = 5
LESSONS_PER_MODULE = 5
QUESTIONS_PER_QUIZ = 5
QUIZ_DAY_QUESTIONS = 16
#: The course whose first module quiz the quiz-day load test takes (unlimited attempts).
QUIZ_DAY_COURSE = "bench-01-screening-and-medical-clearance"
SLUG_PREFIX = "bench-"

TOPICS = (
    "Screening and medical clearance",
    "Informed consent in ketamine-assisted therapy",
    "Preparation sessions",
    "Set and setting",
    "Dissociative states and grounding",
    "Trauma-informed pacing",
    "Integration sessions",
    "Working with prescribers",
    "Documentation and scope of practice",
    "Ethics and boundaries",
    "Cultural humility in psychedelic care",
    "Depression and suicidality",
    "Substance use histories",
    "Group integration circles",
    "Music and the therapeutic frame",
    "Somatic approaches",
    "Couples and family involvement",
    "Adverse events and safety planning",
    "Measurement-based care",
    "Supervision and self-care for clinicians",
)
#: Question kinds in the order a five-question quiz asks them.
KIND_CYCLE = ("single", "single", "multiple", "true_false", "single")
SENTENCES = (
    "Clinicians document what was agreed before the session and revisit it afterwards.",
    "The prescriber remains responsible for medical screening and clearance.",
    "A client's capacity to weigh new decisions is altered during a dosing session.",
    "Grounding interventions help a distressed client return to a tolerable level of arousal.",
    "Integration sessions connect the experience to the client's goals and daily life.",
    "The evidence base is still limited, and the course says so where it matters.",
    "Consent is a process: it is sought, given and honoured at each step.",
    "Team roles are written down so that nobody works outside their license.",
    "A calm, predictable setting reduces the chance of overwhelming distress.",
    "Clinicians watch for changes in blood pressure and call the medical team when needed.",
    "Follow-up after a session is scheduled before the session takes place.",
    "Measurement tools track change over time and guide the treatment plan.",
)


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def lesson_body(rng: random.Random, title: str) -> str:
    """A lesson of about 3 to 4 KB of Markdown: sections, a list and a table."""
    parts = [_paragraph(rng, 5), f"## Why {title.lower()} matters", _paragraph(rng, 6)]
    parts.append("\n".join(f"- **Point {n}**: {rng.choice(SENTENCES)}" for n in range(1, 6)))
    parts += ["## In practice", _paragraph(rng, 7)]
    parts.append(
        "| step | who leads | what it covers |\n| --- | --- | --- |\n"
        + "\n".join(f"| {n} | The team | {rng.choice(SENTENCES)} |" for n in range(1, 5))
    )
    parts += ["## Key points", _paragraph(rng, 4)]
    return "\n\n".join(parts) + "\n"


def _choices(rng: random.Random, kind: str, slug: str) -> tuple[ChoiceSpec, ...]:
    if kind == "true_false":
        truth = rng.random() < 0.5
        return (ChoiceSpec(text="True", correct=truth), ChoiceSpec(text="False", correct=not truth))
    count = 4
    right = {0, 1} if kind == "multiple" else {rng.randrange(count)}
    return tuple(
        ChoiceSpec(
            text=f"Option {chr(65 + i)} for {slug}: {SENTENCES[(i * 5 + len(slug)) % 12]}",
            correct=i in right,
            feedback=None if i in right else "Review the lesson on this point.",
        )
        for i in range(count)
    )


def question_spec(rng: random.Random, slug: str, kind: str, objective: str) -> QuestionSpec:
    """A question with four choices (two for true/false)."""
    return QuestionSpec(
        slug=slug,
        kind=kind,
        objective=objective,
        prompt=f"Which statement best describes {slug.replace('-', ' ')}?",
        explanation=rng.choice(SENTENCES),
        choices=_choices(rng, kind, slug),
    )


def module_spec(rng: random.Random, course_number: int, number: int, questions: int) -> ModuleSpec:
    """A module of five lessons and its quiz."""
    slug = f"module-{number}"
    objectives = (
        ObjectiveSpec(id=f"m{number}-apply", text="Apply the module's practice points."),
        ObjectiveSpec(id=f"m{number}-explain", text="Explain the reasons behind them."),
    )
    lessons = []
    for n in range(1, LESSONS_PER_MODULE + 1):
        title = f"Part {number}.{n} of {TOPICS[course_number - 1]}"
        lessons.append(
            LessonSpec(
                slug=f"lesson-{n}",
                title=title,
                minutes=rng.randint(6, 10),
                body=lesson_body(rng, title),
            )
        )
    quiz = QuizSpec(
        title=f"Module {number} quiz",
        questions=tuple(
            question_spec(
                rng,
                f"c{course_number}-m{number}-q{q}",
                KIND_CYCLE[(q - 1) % len(KIND_CYCLE)],
                objectives[q % 2].id,
            )
            for q in range(1, questions + 1)
        ),
    )
    return ModuleSpec(
        slug=slug,
        title=f"Module {number}: {TOPICS[(course_number + number) % len(TOPICS)]}",
        summary="Five short lessons and a quiz.",
        objectives=objectives,
        lessons=tuple(lessons),
        quiz=quiz,
    )


def course_slug(number: int) -> str:
    """The slug of benchmark course ``number`` (1-based)."""
    title = TOPICS[number - 1].lower().replace(" ", "-")
    return f"{SLUG_PREFIX}{number:02d}-{title}"


def course_spec(number: int, seed: int = 0) -> CourseSpec:
    """Benchmark course ``number`` (1-based); the same spec for the same seed."""
    rng = random.Random(f"{seed}-{number}")  # noqa: S311 (content, not secrets)  # nosec B311
    quiz_day = course_slug(number) == QUIZ_DAY_COURSE
    modules = tuple(
        module_spec(
            rng, number, m, QUIZ_DAY_QUESTIONS if quiz_day and m == 1 else QUESTIONS_PER_QUIZ
        )
        for m in range(1, MODULES_PER_COURSE + 1)
    )
    draft = CourseSpec(
        slug=course_slug(number),
        title=TOPICS[number - 1],
        summary=f"A generated benchmark course on {TOPICS[number - 1].lower()}.",
        description=_paragraph(rng, 6),
        ce_hours=Decimal(1),
        level=("beginning", "intermediate", "advanced")[number % 3],
        delivery_format="Online, self-paced (home study)",
        topics=("benchmark", "ketamine-assisted-therapy"),
        objectives=tuple(
            ObjectiveSpec(id=f"objective-{n}", text=f"Course objective {n}: {SENTENCES[n]}")
            for n in range(1, 4)
        ),
        instructors=(InstructorSpec(name="Bench Instructor", credentials="PhD"),),
        references=("Reference one.", "Reference two.", "Reference three."),
        attempt_limit=None if quiz_day else 3,
        min_seconds_per_lesson=0 if number % 2 else 120,
        modules=modules,
    )
    # The most credit the course's time allows, as a provider would claim.
    hours = ce_hours_ceiling(draft.total_minutes())
    return dataclasses.replace(draft, ce_hours=hours)


def catalog(seed: int = 0) -> list[CourseSpec]:
    """Every benchmark course, in order."""
    return [course_spec(number, seed) for number in range(1, COURSE_COUNT + 1)]
