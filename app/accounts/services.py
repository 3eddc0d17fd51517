"""Account operations. Each one that writes commits its own transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, or_, select

from app.accounts import passwords, remember, strength
from app.accounts.models import Role, User
from app.accounts.tokens import Purpose, issue_token, redeem_token
from app.audit.services import record
from app.db import FOR_CHANGE, db, upsert_insert, utcnow
from app.links import site_url
from app.mail import send_mail
from app.pagination import Page, paginate

MIN_PASSWORD_LENGTH = 10


#: The site's own name, which people build passwords from.
SITE_NAME = "Groundwork"


class AccountError(Exception):
    """A refused account operation; the message is safe to show the user."""


class WeakPasswordError(AccountError):
    """A new password refused as too easy to guess; the message says why."""


@dataclass(frozen=True)
class Profile:
    """The professional details printed on certificates."""

    legal_name: str
    profession: str
    license_number: str | None
    license_state: str | None


def normalise_email(email: str) -> str:
    """Emails are compared and stored lower-case, without surrounding spaces."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    """Hash a password with Argon2id at the configured cost."""
    return passwords.hash_password(password, current_app.config["PASSWORD_HASH_COST"])


def verify_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's; a hash of an older kind or cost is replaced.

    The new hash is only added to the session: the caller's commit stores it.
    """
    verdict = passwords.verify_password(
        user.password_hash, password, current_app.config["PASSWORD_HASH_COST"]
    )
    if verdict.rehash:
        user.password_hash = hash_password(password)
    return verdict.matches


def check_new_password(password: str, email: str, legal_name: str) -> None:
    """Raise WeakPasswordError if ``password`` is common or built from the site or the person."""
    context = strength.context_words(
        SITE_NAME, current_app.config["PROVIDER_NAME"], email, legal_name
    )
    problem = strength.password_problem(password, context)
    if problem:
        raise WeakPasswordError(problem)


def find_by_email(email: str) -> User | None:
    """The account with this email, in any letter case."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def sign_up(email: str, password: str, profile: Profile) -> User | None:
    """Create an unconfirmed learner and mail a confirmation link.

    When the email is already registered nothing is saved and the owner is told by
    mail instead, so the page a visitor sees never reveals who has an account. Both ways
    run the same statements, so both take as long: hash the password, INSERT the account
    (the unique address lets it in or refuses it, ON CONFLICT DO NOTHING, so two sign-ups
    for one address at the same moment make one account), read the account back, write
    one audit event and one message, commit. Looking the address up first and inserting
    only when it was free took 2 ms longer for a new address on PostgreSQL.

    A weak password is refused first, the same whether or not the account exists.
    """
    check_new_password(password, email, profile.legal_name)
    address = normalise_email(email)
    created = db.session.execute(
        upsert_insert(User)
        .values(
            email=address,
            password_hash=hash_password(password),
            legal_name=profile.legal_name,
            profession=profile.profession,
            license_number=profile.license_number,
            license_state=profile.license_state,
            role=Role.LEARNER.value,
        )
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User.id)
    ).scalar()
    user = find_by_email(address)
    if user is None:  # the account in the way was renamed (anonymised) a moment ago
        db.session.rollback()
        return None
    if created is None:
        record("user.sign_up_repeated", "user", user.id)
        send_mail(
            user.email,
            "Someone tried to create a Groundwork account with your email",
            _repeated_sign_up_note(user),
        )
        db.session.commit()
        return None
    record("user.signed_up", "user", user.id, actor_id=user.id)
    send_confirmation(user)
    db.session.commit()
    return user


def _repeated_sign_up_note(user: User) -> str:
    """What the owner of an address is told when someone signs up with it again.

    An account never confirmed may have been started by someone else with the owner's
    address (and that someone's password and name): the owner is told how to take it over.
    Only the mailbox sees the difference, so the page still reveals nothing.
    """
    if user.email_confirmed_at is None:
        return (
            "An account already uses this address, but it was never confirmed, so it may "
            "have been started by someone else. To make it yours, choose a new password at "
            f"{site_url('accounts.forgot_password')} (that confirms the address too), then "
            f"check the name and license details at {site_url('accounts.profile')}.\n"
            "If you started it yourself, you can also ask for a new confirmation link at "
            f"{site_url('accounts.resend_confirmation')}."
        )
    return (
        "An account already uses this address. If it was you, sign in at "
        f"{site_url('accounts.sign_in')} or reset your password at "
        f"{site_url('accounts.forgot_password')}.\n"
        "If it was not you, you can ignore this message."
    )


def send_confirmation(user: User) -> None:
    """Queue the link that confirms the user's address; the caller commits."""
    link = site_url("accounts.confirm_email", token=issue_token(user, Purpose.CONFIRM_EMAIL))
    send_mail(
        user.email,
        "Confirm your Groundwork email",
        f"Welcome to Groundwork, {user.legal_name}.\n\nConfirm your email address to sign in:\n"
        f"{link}\n\nThe link works for 7 days. If you did not sign up for Groundwork, do not "
        "follow it: someone may have used your address, and the account stays unusable "
        "until it is confirmed.",
    )


def resend_confirmation(email: str) -> None:
    """Mail a new confirmation link, or tell the address why none is needed.

    Like a reset request, every address gets one queued message and one commit, so the
    response takes as long whether or not an account waits for confirmation.
    """
    user = find_by_email(email)
    if user is not None and user.is_active and user.email_confirmed_at is None:
        send_confirmation(user)
    elif user is None:
        send_mail(
            normalise_email(email),
            "Your Groundwork confirmation request",
            "Someone asked for a new link to confirm this address, but no Groundwork account "
            "uses it. You may have signed up with another address, or you can create an "
            f"account at {site_url('accounts.sign_up')}\n\n"
            "If you did not ask, ignore this message.",
        )
    else:
        send_mail(
            user.email,
            "Your Groundwork confirmation request",
            "Someone asked for a new link to confirm this address, but it needs none: "
            + (
                f"it is already confirmed. Sign in at {site_url('accounts.sign_in')}"
                if user.is_active
                else "its account has been deactivated. Please contact the site's administrator."
            )
            + "\n\nIf you did not ask, ignore this message.",
        )
    db.session.commit()


def confirm_email(token: str) -> User:
    """Confirm the address a confirmation link was sent to."""
    user = redeem_token(token, Purpose.CONFIRM_EMAIL, max_age=7 * 24 * 3600)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record("user.email_confirmed", "user", user.id, actor_id=user.id)
        db.session.commit()
    return user


#: What every refused sign-in says, whatever the reason: a message of its own for an
#: unconfirmed account would tell someone who signed up with another person's address
#: whether that address had an account before (then the password they chose is "not right").
NOT_SIGNED_IN = "The email or password is not right, or the email address is not confirmed yet."


def authenticate(email: str, password: str) -> User:
    """Return the user these credentials belong to, or raise AccountError.

    An unconfirmed account with the right password is refused like a wrong password, and
    nothing is mailed (the sign-in page links to the rate-limited form that sends the link
    again): sign-up followed by sign-in must not reveal whether an address was registered.
    """
    user = find_by_email(email)
    if user is None:
        # Spend the same time as a real check so response times do not reveal accounts.
        passwords.verify_password(_decoy_hash(), password, current_app.config["PASSWORD_HASH_COST"])
        raise AccountError(NOT_SIGNED_IN)
    if not verify_password(user, password) or user.email_confirmed_at is None:
        raise AccountError(NOT_SIGNED_IN)
    if not user.is_active:
        raise AccountError("This account has been deactivated. Please contact the administrator.")
    user.last_sign_in_at = utcnow()
    db.session.commit()
    return user


def _decoy_hash() -> str:
    cache: dict[int, str] = current_app.extensions.setdefault("decoy_password_hash", {})
    cost = current_app.config["PASSWORD_HASH_COST"]
    if cost not in cache:
        cache[cost] = passwords.hash_password("decoy-password", cost)
    return cache[cost]


def update_profile(user: User, profile: Profile) -> None:
    """Save new professional details (issued certificates keep what they printed).

    The audit event names the fields that changed, not their values: the log is
    append-only, and anonymising an account must leave no name or license behind.
    """
    # Locked and re-read first, so the saved profile is this form's whole, even when another
    # tab saves at the same moment (the UPDATE names only the columns that differ).
    db.session.refresh(user, with_for_update=FOR_CHANGE)
    changed = [
        name
        for name in ("legal_name", "profession", "license_number", "license_state")
        if getattr(user, name) != getattr(profile, name)
    ]
    if changed:
        record("user.profile_changed", "user", user.id, actor_id=user.id, fields=changed)
    user.legal_name = profile.legal_name
    user.profession = profile.profession
    user.license_number = profile.license_number
    user.license_state = profile.license_state
    db.session.commit()


def check_password(user: User, password: str) -> None:
    """Raise AccountError unless ``password`` is the user's current password."""
    if not verify_password(user, password):
        raise AccountError("That password is not right.")


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one; other sessions end."""
    if not verify_password(user, current):
        raise AccountError("Your current password is not right.")
    check_new_password(new, user.email, user.legal_name)
    _set_password(user, new)
    db.session.commit()


def request_password_reset(email: str) -> None:
    """Mail a reset link, or tell the address why there is none; the page says the same.

    Every address gets one queued message and one commit, so the response takes as long
    for an address with no account as for one with an account.
    """
    user = find_by_email(email)
    if user is None or not user.is_active:
        _explain_no_reset(normalise_email(email), deactivated=user is not None)
        db.session.commit()
        return
    link = site_url("accounts.reset_password", token=issue_token(user, Purpose.RESET_PASSWORD))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    send_mail(
        user.email,
        "Reset your Groundwork password",
        f"Someone asked to reset the password for this account.\n\nChoose a new password:\n"
        f"{link}\n\nThe link works once, for {minutes} minutes. "
        "If you did not ask, ignore this message: your password stays the same.",
    )
    db.session.commit()


def _explain_no_reset(address: str, deactivated: bool) -> None:
    """Tell whoever asked at ``address`` why no reset link is coming."""
    if deactivated:
        reason = (
            "The account that uses this address has been deactivated, so its password "
            "cannot be reset. Please contact the site's administrator."
        )
    else:
        reason = (
            "No Groundwork account uses this address. You may have signed up with "
            "another one, or you can create an account at "
            f"{site_url('accounts.sign_up')}"
        )
    send_mail(
        address,
        "Your Groundwork password reset request",
        f"Someone asked to reset the password for this address.\n\n{reason}\n\n"
        "If you did not ask, ignore this message.",
    )


def check_reset_token(token: str) -> User:
    """The user a reset link belongs to, or raise TokenError."""
    return redeem_token(
        token, Purpose.RESET_PASSWORD, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
    )


def reset_password(token: str, new: str) -> User:
    """Set a new password through a reset link; the link then stops working."""
    user = check_reset_token(token)
    check_new_password(new, user.email, user.legal_name)
    _set_password(user, new)
    # Following a mailed link proves the address too.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record("user.email_confirmed", "user", user.id, actor_id=user.id, by="password reset")
    db.session.commit()
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    _end_sessions(user)


def _end_sessions(user: User) -> None:
    """Outdate every session and remember-me token of the account (the caller commits)."""
    user.session_version += 1
    remember.forget_all(user)


def sign_out(user: User) -> None:
    """End every session and remember-me token of the account, on every device."""
    _end_sessions(user)
    db.session.commit()


def sign_out_everywhere(admin: User, user: User) -> None:
    """An administrator ends every session of an account (a lost laptop, a shared login)."""
    _end_sessions(user)
    record("user.signed_out_everywhere", "user", user.id, actor_id=admin.id)
    db.session.commit()


def create_account(email: str, password: str, profile: Profile, role: Role) -> User:
    """Create a confirmed account directly (administrators and demo accounts)."""
    if find_by_email(email) is not None:
        raise AccountError(f"An account with the email {normalise_email(email)} already exists.")
    user = User(
        email=normalise_email(email),
        password_hash=hash_password(password),
        legal_name=profile.legal_name,
        profession=profile.profession,
        license_number=profile.license_number,
        license_state=profile.license_state,
        role=role.value,
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    record("user.created", "user", user.id, role=role.value)
    db.session.commit()
    return user


def search_users(query: str = "", role: str = "", page: int = 1, per_page: int = 25) -> Page[User]:
    """A page of users matching a name or email fragment and an optional role."""
    statement = select(User).order_by(User.legal_name, User.id)
    if query:
        needle = query.strip().lower()
        statement = statement.where(
            or_(
                User.email.contains(needle, autoescape=True),
                func.lower(User.legal_name).contains(needle, autoescape=True),
            )
        )
    if role:
        statement = statement.where(User.role == role)
    return paginate(statement, page=page, per_page=per_page)


def _take_turn(actor: User, user: User, *, actor_still_admin: bool = True) -> None:
    """Lock and re-read the account about to change; first every active administrator's
    row, in id order, when it is an administrator's account.

    A repeated click then finds the change done; and two administrators demoting,
    deactivating or deleting each other at the same moment take turns, so the later one
    finds it is no longer an administrator (``actor_still_admin``) or that the other is the
    last one, and the site keeps one.
    """
    if user.role == Role.ADMIN.value:
        admins = db.session.scalars(
            select(User.id)
            .where(User.role == Role.ADMIN.value, User.is_active.is_(True))
            .order_by(User.id)
            .with_for_update(**FOR_CHANGE)
        ).all()
        if actor_still_admin and actor.id != user.id and actor.id not in admins:
            raise AccountError(
                "Your administrator role was removed a moment ago; nothing was changed."
            )
    db.session.refresh(user, with_for_update=FOR_CHANGE)


def change_role(admin: User, user: User, role: Role) -> None:
    """Give a user another role; an admin cannot demote themself (the site needs one)."""
    if user.id == admin.id and role is not Role.ADMIN:
        raise AccountError("You cannot remove your own administrator role.")
    _take_turn(admin, user)
    if user.role == role.value:
        return
    record("user.role_changed", "user", user.id, actor_id=admin.id, old=user.role, new=role.value)
    user.role = role.value
    db.session.commit()


def set_active(admin: User, user: User, active: bool) -> None:
    """Deactivate (or reactivate) an account; its records stay."""
    if user.id == admin.id and not active:
        raise AccountError("You cannot deactivate your own account.")
    if active and is_anonymised(user):
        # Its name, email and password are gone for good: reactivating would revive nobody.
        raise AccountError("A deleted (anonymised) account cannot be reactivated.")
    _take_turn(admin, user)
    if user.is_active == active:
        return
    user.is_active = active
    if not active:
        _end_sessions(user)
    record("user.reactivated" if active else "user.deactivated", "user", user.id, actor_id=admin.id)
    db.session.commit()


#: How an anonymised account's email ends (`.invalid` can never receive mail).
ANONYMISED_EMAIL_SUFFIX = "@deleted.invalid"


def is_anonymised(user: User) -> bool:
    """Whether the account was deleted by anonymising it."""
    return user.email.endswith(ANONYMISED_EMAIL_SUFFIX)


def _active_admins() -> int:
    return db.session.execute(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.value, User.is_active.is_(True))
    ).scalar_one()


def anonymise(actor: User, user: User) -> None:
    """Delete an account by anonymising it; CE records and certificates are kept.

    The account can no longer sign in and no longer holds the person's name, email or
    license. Enrollments, progress, attempts and audit events stay (accreditors may ask
    for them for six years); issued certificates keep the details printed on them, which
    is what their public verification shows.
    """
    if user.role == Role.ADMIN.value and actor.id == user.id:
        raise AccountError(
            "An administrator cannot delete their own account here; ask another administrator."
        )
    _take_turn(actor, user, actor_still_admin=False)  # the last-administrator rule decides
    if is_anonymised(user):
        raise AccountError("This account is already anonymised; nothing was changed.")
    if user.role == Role.ADMIN.value and user.is_active and _active_admins() <= 1:
        raise AccountError(
            "This is the last active administrator; make someone else an administrator first."
        )
    record("user.anonymised", "user", user.id, actor_id=actor.id)
    user.email = f"deleted-user-{user.id}{ANONYMISED_EMAIL_SUFFIX}"
    user.legal_name = "Deleted account"
    user.profession = "Other"
    user.license_number = None
    user.license_state = None
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.is_active = False
    _end_sessions(user)
    db.session.commit()
