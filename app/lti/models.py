"""LTI 1.3 tables: platforms, their deployments, one-time tickets, accounts, links, members."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow


class Platform(Base):
    """An LMS registered by an administrator: who it is and where its endpoints are."""

    __tablename__ = "lti_platforms"
    __table_args__ = (
        UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),
        CheckConstraint("length(issuer) > 0 AND length(client_id) > 0", name="named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(200))
    auth_url: Mapped[str] = mapped_column(String(500))
    token_url: Mapped[str] = mapped_column(String(500))
    jwks_url: Mapped[str] = mapped_column(String(500))
    #: Origins besides the issuer's that show Groundwork in an iframe (Canvas frames it from
    #: the school's own domain, not its issuer), one a line; CSP frame-ancestors lists them.
    frame_origins: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan", order_by="Deployment.id"
    )

    @property
    def deployment_ids(self) -> list[str]:
        """The deployment ids launches may name."""
        return [d.deployment_id for d in self.deployments]


class Deployment(Base):
    """One deployment of the tool on a platform; a launch naming another is refused."""

    __tablename__ = "lti_deployments"
    __table_args__ = (
        UniqueConstraint("platform_id", "deployment_id", name="uq_lti_deployments_id"),
        CheckConstraint("length(deployment_id) > 0", name="named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(200))

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class Ticket(Base):
    """A one-time token: an OIDC login's state (with its nonce) or a hand-off to a new window.

    Deleted when used, so a state (and with it the nonce) is good for one launch only.
    """

    __tablename__ = "lti_tickets"
    __table_args__ = (
        CheckConstraint("kind IN ('login', 'handoff', 'link')", name="kind_is_known"),
        CheckConstraint("kind != 'login' OR nonce IS NOT NULL", name="login_has_nonce"),
        CheckConstraint("kind != 'handoff' OR user_id IS NOT NULL", name="handoff_has_user"),
        CheckConstraint("kind != 'link' OR data IS NOT NULL", name="link_has_data"),
    )

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    nonce: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: Where the ticket leads: the launch's target link URI, or the page to open.
    target: Mapped[str] = mapped_column(Text)
    #: For a "link" ticket: the launch's identity and claims (JSON text) to apply on linking.
    data: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[dt.datetime]


class Account(Base):
    """A platform's user (``sub`` per issuer) and the Groundwork learner they are."""

    __tablename__ = "lti_accounts"
    __table_args__ = (
        UniqueConstraint("platform_id", "sub", name="uq_lti_accounts_sub"),
        UniqueConstraint("platform_id", "user_id", name="uq_lti_accounts_user"),
        CheckConstraint("length(sub) > 0", name="sub_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    sub: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ResourceLink(Base):
    """A placement in the platform (its resource link id) and what it opens here.

    ``target`` is ``course:<slug>``, ``module:<slug>/<module>``, ``quiz:<slug>/<module>``
    (``quiz:<slug>/final`` for the post-test) or ``case:<slug>/<module>`` (the module's case
    simulation): slugs stay the same across course versions.
    """

    __tablename__ = "lti_resource_links"
    __table_args__ = (
        UniqueConstraint("platform_id", "link_id", name="uq_lti_resource_links_link"),
        CheckConstraint(
            "target LIKE 'course:%' OR target LIKE 'module:%' OR target LIKE 'quiz:%'"
            " OR target LIKE 'case:%'",
            name="target_is_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    link_id: Mapped[str] = mapped_column(String(255))
    deployment_id: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(250), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    #: The AGS line item the score goes to (absent when the platform offers none).
    lineitem_url: Mapped[str | None] = mapped_column(String(500))


class LinkMember(Base):
    """A learner who launched a link: the ``sub`` scores go to and the best score sent."""

    __tablename__ = "lti_link_members"
    __table_args__ = (
        UniqueConstraint("link_id", "user_id", name="uq_lti_link_members_user"),
        CheckConstraint(
            "best_score IS NULL OR (best_score >= 0 AND best_score <= 100)", name="score_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_links.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sub: Mapped[str] = mapped_column(String(255))
    #: The best percentage queued for the platform so far (the course's policy: best score).
    best_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
