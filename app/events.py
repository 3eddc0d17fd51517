"""The moments other domains care about, as named signals with typed payloads.

The domain that owns a moment emits it from its service, inside its transaction; each
listener runs synchronously, in that same transaction, before the emitter commits. So a
listener's writes (an insight tally, a module completion, a certificate) land or roll back
with the moment itself, exactly as when the emitter called them directly: nothing that was
atomic becomes eventual. A listener that raises aborts the emitter's action.

Each domain connects its listeners in one ``listeners.connect()`` that the factory calls
(``create_app`` -> ``register_listeners``), so a domain never imports the one that reacts
to it. docs/events.md lists every event with its emitter and listeners.

Every event carries one frozen dataclass; a listener takes that payload and nothing else.
Tests may watch an event: ``with events.lesson_completed.recording(lambda p: p.lesson_id)
as seen: ...`` then ``seen`` holds the lesson ids completed in the block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from blinker import Namespace

if TYPE_CHECKING:  # the payloads name models of several domains; only the checker reads them
    from app.accounts.models import User
    from app.cases.models import CaseRun
    from app.catalog.models import Course
    from app.certificates.models import Certificate
    from app.evaluations.models import CourseEvaluation
    from app.learning.models import Enrollment
    from app.learning.progress import CourseOutline
    from app.quizzes.grading import Grade
    from app.quizzes.models import QuizAttempt

_signals = Namespace()

Payload = TypeVar("Payload")


class Event(Generic[Payload]):
    """A named moment: the owner emits a payload, listeners receive it in the same transaction."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.signal = _signals.signal(name, doc)

    def connect(self, listener: Callable[[Payload], object]) -> None:
        """Call ``listener(payload)`` each time the event is emitted (connecting twice is once)."""
        # Strong references: a listener is a module-level function that must outlive no one.
        self.signal.connect(listener, weak=False)

    def emit(self, payload: Payload) -> None:
        """Run every listener now, in the caller's transaction."""
        self.signal.send(payload)

    @contextmanager
    def recording(
        self, keep: Callable[[Payload], Any] = lambda payload: payload
    ) -> Iterator[list[Any]]:
        """What ``keep`` reads from each payload emitted while the block runs (listeners
        still run as usual). Read ids rather than keep models: a payload's user may be the
        request's ``current_user`` proxy, which means nothing once the request is over."""
        seen: list[Any] = []

        def watch(payload: Payload) -> None:
            seen.append(keep(payload))

        with self.signal.connected_to(watch):
            yield seen

    def __repr__(self) -> str:
        return f"<Event {self.name}>"


@dataclass(frozen=True)
class Enrolled:
    """A learner enrolled in a course (once per learner and course)."""

    user: User
    course: Course
    enrollment: Enrollment


@dataclass(frozen=True)
class LessonCompleted:
    """A learner marked a lesson complete, its seat time met (never twice for one lesson)."""

    user: User
    course: Course
    enrollment: Enrollment
    lesson_id: int
    #: The course's outline as the learner saw it when completing.
    outline: CourseOutline


@dataclass(frozen=True)
class AttemptGraded:
    """A quiz attempt was submitted and graded (once per attempt)."""

    user: User
    course: Course
    enrollment: Enrollment
    attempt: QuizAttempt
    grade: Grade


@dataclass(frozen=True)
class CaseEnded:
    """A learner's run of a module's case reached an ending (once per run)."""

    user: User
    course: Course
    enrollment: Enrollment
    run: CaseRun


@dataclass(frozen=True)
class ModuleCompleted:
    """Every lesson and the quiz of a module are done; recorded once per learner and module."""

    user: User
    course: Course
    module_id: int


@dataclass(frozen=True)
class CourseCompleted:
    """Every module and the final post-test are done; recorded once per enrollment."""

    user: User
    course: Course
    enrollment: Enrollment


@dataclass(frozen=True)
class EvaluationFiled:
    """A learner filed the course evaluation (once per learner and course)."""

    user: User
    course: Course
    enrollment: Enrollment
    evaluation: CourseEvaluation


@dataclass(frozen=True)
class AttestationSigned:
    """A learner attested to completing the activity in full (recorded once)."""

    user: User
    course: Course
    enrollment: Enrollment


@dataclass(frozen=True)
class CertificateIssued:
    """A certificate was issued: its last condition came to hold."""

    certificate: Certificate


@dataclass(frozen=True)
class CertificateReplaced:
    """An approved correction issued ``replacement`` and marked ``replaced`` as replaced."""

    replaced: Certificate
    replacement: Certificate


@dataclass(frozen=True)
class CertificateRevoked:
    """An administrator revoked a certificate; verification now says so."""

    certificate: Certificate
    reason: str


@dataclass(frozen=True)
class CoursePublished:
    """A course's content was applied: created, or a new version (from files or the browser)."""

    course: Course
    #: True for a course's first publication; its learners have no progress to recount.
    created: bool
    #: The operator command standing for the provider's approval of the CE claim in the
    #: files (``flask courses import``), or None for a publish that needs review.
    approved_by: str | None


@dataclass(frozen=True)
class CourseArchived:
    """A course was closed to new enrollments (``archived``) or reopened (not ``archived``)."""

    course: Course
    archived: bool
    at: dt.datetime


enrolled: Event[Enrolled] = Event("enrolled", "Sent by learning.services.enroll.")
lesson_completed: Event[LessonCompleted] = Event(
    "lesson-completed", "Sent by learning.services.complete_lesson."
)
attempt_graded: Event[AttemptGraded] = Event(
    "attempt-graded", "Sent by quizzes.services.submit_attempt."
)
case_ended: Event[CaseEnded] = Event("case-ended", "Sent by cases.services.choose.")
module_completed: Event[ModuleCompleted] = Event(
    "module-completed", "Sent by learning.services.settle_completion."
)
course_completed: Event[CourseCompleted] = Event(
    "course-completed", "Sent by learning.services.settle_completion."
)
evaluation_filed: Event[EvaluationFiled] = Event(
    "evaluation-filed", "Sent by evaluations.services.file_evaluation."
)
attestation_signed: Event[AttestationSigned] = Event(
    "attestation-signed", "Sent by certificates.services.attest."
)
certificate_issued: Event[CertificateIssued] = Event(
    "certificate-issued", "Sent by certificates.services.issue_if_ready."
)
certificate_replaced: Event[CertificateReplaced] = Event(
    "certificate-replaced", "Sent by certificates.corrections.approve_correction."
)
certificate_revoked: Event[CertificateRevoked] = Event(
    "certificate-revoked", "Sent by certificates.services.revoke."
)
course_published: Event[CoursePublished] = Event(
    "course-published", "Sent by content.importer.apply_course."
)
course_archived: Event[CourseArchived] = Event(
    "course-archived", "Sent by authoring.services.set_archived."
)

#: Every event, for docs/events.md's test and for anyone listing them.
ALL: tuple[Event[Any], ...] = (
    enrolled,
    lesson_completed,
    attempt_graded,
    module_completed,
    course_completed,
    evaluation_filed,
    attestation_signed,
    certificate_issued,
    certificate_replaced,
    certificate_revoked,
    course_published,
    course_archived,
)
