"""Every model, imported in one place so Alembic and tests see the whole schema."""

from app.accounts.models import RememberToken, User
from app.audit.models import AuditEvent
from app.authoring.models import CourseDraft
from app.cases.models import CaseRun, CaseRunChoice
from app.catalog.models import (
    Choice,
    Course,
    CourseStaff,
    Lesson,
    Module,
    ModuleCase,
    Question,
    Quiz,
)
from app.ceclaims.models import CeClaimReview
from app.certificates.models import Certificate
from app.db import Base
from app.evaluations.models import CourseEvaluation, ObjectiveRating
from app.insight.models import ChoiceTally, LessonTally, QuestionTally
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.mail.models import OutboundMail
from app.quizzes.models import AttemptAnswer, QuizAttempt
from app.search.models import SearchEntry

metadata = Base.metadata

__all__ = [
    "AttemptAnswer",
    "AuditEvent",
    "CaseRun",
    "CaseRunChoice",
    "CeClaimReview",
    "Certificate",
    "Choice",
    "ChoiceTally",
    "Course",
    "CourseDraft",
    "CourseEvaluation",
    "CourseStaff",
    "Enrollment",
    "Lesson",
    "LessonProgress",
    "LessonTally",
    "Module",
    "ModuleCase",
    "ModuleCompletion",
    "ObjectiveRating",
    "OutboundMail",
    "Question",
    "QuestionTally",
    "Quiz",
    "QuizAttempt",
    "RememberToken",
    "SearchEntry",
    "User",
    "metadata",
]
