"""Every model, imported in one place so Alembic and tests see the whole schema."""

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.catalog.models import Choice, Course, CourseStaff, Lesson, Module, Question, Quiz
from app.db import Base

metadata = Base.metadata

__all__ = [
    "AuditEvent",
    "Choice",
    "Course",
    "CourseStaff",
    "Lesson",
    "Module",
    "Question",
    "Quiz",
    "User",
    "metadata",
]
