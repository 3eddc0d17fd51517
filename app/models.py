"""Every model, imported in one place so Alembic and tests see the whole schema."""

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.catalog.models import Choice, Course, CourseStaff, Lesson, Module, Question, Quiz
from app.db import Base
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.quizzes.models import AttemptAnswer, QuizAttempt

metadata = Base.metadata

__all__ = [
    "AttemptAnswer",
    "AuditEvent",
    "Choice",
    "Course",
    "CourseStaff",
    "Enrollment",
    "Lesson",
    "LessonProgress",
    "Module",
    "ModuleCompletion",
    "Question",
    "Quiz",
    "QuizAttempt",
    "User",
    "metadata",
]
