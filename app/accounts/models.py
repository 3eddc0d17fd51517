"""Users, their roles and the professional details printed on certificates."""

from __future__ import annotations

import datetime as dt
import enum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class Role(enum.StrEnum):
    """What a user may do on the site."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


#: Professions offered at sign-up, in the words licensing boards use.
PROFESSIONS: tuple[str, ...] = (
    "Psychologist",
    "Licensed clinical social worker",
    "Licensed professional counselor",
    "Marriage and family therapist",
    "Psychiatrist",
    "Physician",
    "Nurse practitioner",
    "Registered nurse",
    "Physician assistant",
    "Pharmacist",
    "Student or trainee",
    "Other",
)

#: Licensing jurisdictions: US states, DC and territories, by postal code.
LICENSE_STATES: tuple[str, ...] = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
    "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
    "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
)  # fmt: skip


class User(UserMixin, Base):
    """A person with an account: learner, instructor or administrator."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("role IN ('learner', 'instructor', 'admin')", name="role_known"),
        CheckConstraint("session_version >= 1", name="session_version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    #: The name exactly as it must print on certificates.
    legal_name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[str] = mapped_column(String(80))
    license_number: Mapped[str | None] = mapped_column(String(60))
    license_state: Mapped[str | None] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER.value)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Set when the owner follows the link mailed at sign-up; needed to sign in.
    email_confirmed_at: Mapped[dt.datetime | None]
    #: Bumped by sign-out, password change and reset, deactivation and an administrator's
    #: "sign out everywhere": every session and remember-me token made under the old value ends.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None]

    def get_id(self) -> str:
        """Identify the session by user and session version, so old sessions expire."""
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: Role) -> bool:
        """Whether the user holds one of the given roles."""
        return self.role in {r.value for r in roles}

    @property
    def is_admin(self) -> bool:
        """Whether the user administers the site."""
        return self.role == Role.ADMIN.value

    @property
    def is_instructor(self) -> bool:
        """Whether the user may author courses (admins may too)."""
        return self.role in {Role.INSTRUCTOR.value, Role.ADMIN.value}

    @property
    def license_display(self) -> str:
        """The license as printed: number and state, or an empty string."""
        parts = [p for p in (self.license_state, self.license_number) if p]
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RememberToken(Base):
    """A "keep me signed in" token for one device: used once, then replaced; it expires.

    The cookie holds ``selector.secret``; the row keeps the selector (to find it) and a
    SHA-256 of the secret, so a copy of this table signs no one in.
    """

    __tablename__ = "remember_tokens"
    __table_args__ = (CheckConstraint("expires_at > issued_at", name="expires_after_issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    selector: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    #: The user's session version when issued: a later sign-out everywhere outdates it.
    session_version: Mapped[int]
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Fixed at the sign-in that typed the password; rotation never extends it.
    expires_at: Mapped[dt.datetime]
