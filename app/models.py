"""Every model, imported in one place so Alembic and tests see the whole schema."""

from app.accounts.models import RememberToken, User
from app.api.models import ApiToken, OAuthClient, WebhookSubscription
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
from app.delivery.models import AdvisoryChoice, CrisisLine
from app.evaluations.models import CourseEvaluation, ObjectiveRating
from app.insight.models import ChoiceTally, LessonTally, QuestionTally
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.lti.models import Account as LtiAccount
from app.lti.models import Deployment as LtiDeployment
from app.lti.models import LinkMember as LtiLinkMember
from app.lti.models import Platform as LtiPlatform
from app.lti.models import ResourceLink as LtiResourceLink
from app.lti.models import Ticket as LtiTicket
from app.mail.models import OutboundMail
from app.outbound.models import OutboundDelivery
from app.quizzes.models import Accommodation, AttemptAnswer, QuizAttempt
from app.search.models import SearchEntry

metadata = Base.metadata

__all__ = [
    "Accommodation",
    "AdvisoryChoice",
    "ApiToken",
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
    "CrisisLine",
    "Enrollment",
    "Lesson",
    "LessonProgress",
    "LessonTally",
    "LtiAccount",
    "LtiDeployment",
    "LtiLinkMember",
    "LtiPlatform",
    "LtiResourceLink",
    "LtiTicket",
    "Module",
    "ModuleCase",
    "ModuleCompletion",
    "OAuthClient",
    "ObjectiveRating",
    "OutboundDelivery",
    "OutboundMail",
    "Question",
    "QuestionTally",
    "Quiz",
    "QuizAttempt",
    "RememberToken",
    "SearchEntry",
    "User",
    "WebhookSubscription",
    "metadata",
]
