"""Pages for signing up, signing in and out, the profile and passwords."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.accounts import services
from app.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    ProfileForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from app.accounts.services import AccountError, Profile, WeakPasswordError
from app.accounts.sessions import forget_this_device, keep_signed_in
from app.accounts.tokens import TokenError
from app.extensions import limiter
from app.mail import development_mailbox_open

bp = Blueprint("accounts", __name__)


def _account_key() -> str:
    """Rate-limit key for the account named in the submitted form."""
    return "account:" + services.normalise_email(request.form.get("email", ""))[:254]


def _account_and_address_key() -> str:
    """Sign-in failures count per account and address, so an attacker elsewhere, however
    many guesses they spend, never locks the owner out of their own account."""
    return f"{_account_key()}|address:{get_remote_address()}"


def _signed_in_key() -> str:
    """Rate-limit key for the signed-in account (anonymous requests are sent to sign in)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else "anonymous"


def _limit(name: str) -> str:
    """A rate limit from the configuration, so tests and providers can tune it."""
    return current_app.config[name]


def _failed(response: Response) -> bool:
    """Only refused sign-ins count toward the limit."""
    return response.status_code != 302


def safe_next(target: str | None, fallback: str) -> str:
    """Follow ``next`` only to a path on this site; anything else goes to ``fallback``."""
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def _profile(form: SignUpForm | ProfileForm) -> Profile:
    return Profile(
        legal_name=form.legal_name.data,
        profession=form.profession.data,
        license_number=form.license_number.data or None,
        license_state=form.license_state.data or None,
    )


def _mail_queued(response: Response) -> bool:
    """Whether a mail-sending form was accepted (it redirects): a refused weak password or
    a mistyped address does not spend the newcomer's budget."""
    return response.status_code == 302


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("EMAIL_LIMIT_PER_IP"), methods=["POST"])
# Each accepted sign-up mails the address (a link, or a note that it has an account): per
# address, so no number of other addresses can flood one inbox or time one account.
@limiter.limit(
    lambda: _limit("EMAIL_LIMIT_PER_ACCOUNT"),
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_mail_queued,
)
def sign_up() -> str | Response:
    """Create a learner account; the result arrives by email either way."""
    if current_user.is_authenticated:
        return redirect(url_for("catalog.dashboard"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            services.sign_up(form.email.data, form.password.data, _profile(form))
        except WeakPasswordError as error:
            form.password.errors.append(str(error))
        else:
            session["confirmation_sent_to"] = services.normalise_email(form.email.data)
            return redirect(url_for("accounts.check_email"))
    return render_template("accounts/sign_up.html", form=form)


@bp.route("/sign-up/check-your-email")
def check_email() -> str:
    """Tell the visitor to follow the link we mailed."""
    return render_template(
        "accounts/check_email.html",
        email=session.get("confirmation_sent_to"),
        mailbox=development_mailbox_open(),
    )


@bp.route("/sign-up/resend", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("EMAIL_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(lambda: _limit("EMAIL_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=_account_key)
def resend_confirmation() -> str | Response:
    """Ask for a new confirmation link; the answer is the same whether or not one is due."""
    form = ResendConfirmationForm(email=session.get("confirmation_sent_to"))
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        session["confirmation_sent_to"] = services.normalise_email(form.email.data)
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/resend_confirmation.html", form=form)


@bp.route("/confirm/<token>")
def confirm_email(token: str) -> Response:
    """Confirm an email address from the mailed link."""
    try:
        services.confirm_email(token)
    except TokenError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.sign_in"))
    flash("Your email is confirmed. You can sign in now.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("SIGN_IN_LIMIT_PER_IP"), methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: _limit("SIGN_IN_LIMIT_PER_ACCOUNT"),
    methods=["POST"],
    key_func=_account_and_address_key,
    deduct_when=_failed,
)
def sign_in() -> str | Response:
    """Sign in and go where the visitor was heading."""
    destination = safe_next(request.args.get("next"), url_for("catalog.dashboard"))
    if current_user.is_authenticated:
        return redirect(destination)
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            session.clear()  # a fresh session at sign-in: nothing carries over
            login_user(user)
            if form.remember.data:
                keep_signed_in(user)
            else:
                forget_this_device()
            flash(f"Welcome back, {user.legal_name}.", "success")
            return redirect(destination)
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    """Sign out everywhere: every session and remember-me token of the account ends.

    A POST, so no link or image can do it for you.
    """
    if current_user.is_authenticated:
        services.sign_out(current_user)
    logout_user()
    session.clear()
    forget_this_device()
    flash("You are signed out, on this device and every other.", "info")
    return redirect(url_for("catalog.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    """Edit the details printed on future certificates."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, _profile(form))
        flash("Your profile is saved.", "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


#: Guesses at the current password (changing it, deleting the account) share one budget
#: per account and one per address; only refused attempts count.
current_password_per_account = limiter.shared_limit(
    lambda: _limit("PASSWORD_CHECK_LIMIT_PER_ACCOUNT"),
    scope="current-password-account",
    key_func=_signed_in_key,
    methods=["POST"],
    deduct_when=_failed,
)
current_password_per_address = limiter.shared_limit(
    lambda: _limit("PASSWORD_CHECK_LIMIT_PER_IP"),
    scope="current-password-address",
    methods=["POST"],
    deduct_when=_failed,
)


@bp.route("/account/password", methods=["GET", "POST"])
@current_password_per_account
@current_password_per_address
@login_required
def change_password() -> str | Response:
    """Change the password; every other session is signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except WeakPasswordError as error:
            form.password.errors.append(str(error))
        except AccountError as error:
            form.current.errors.append(str(error))
        else:
            # The user itself, not the current_user proxy: login_user stores what it is given.
            login_user(current_user._get_current_object())  # this session, under the new version
            forget_this_device()  # its remember-me token ended with the others
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("EMAIL_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(lambda: _limit("EMAIL_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=_account_key)
def forgot_password() -> str | Response:
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            "If an account uses that email, we have sent it a link to reset the password. "
            "The link works once, for one hour.",
            "info",
        )
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("EMAIL_LIMIT_PER_IP"), methods=["POST"])
def reset_password(token: str) -> str | Response:
    """Choose a new password from a mailed link."""
    try:
        services.check_reset_token(token)
    except TokenError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except WeakPasswordError as error:
            form.password.errors.append(str(error))
            return render_template("accounts/reset_password.html", form=form)
        except TokenError as error:
            flash(str(error), "error")
            return redirect(url_for("accounts.forgot_password"))
        logout_user()
        forget_this_device()
        flash("Your password is changed. Please sign in with the new one.", "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account/delete", methods=["GET", "POST"])
@current_password_per_account
@current_password_per_address
@login_required
def delete_account() -> str | Response:
    """Delete one's own account (anonymised; CE records and certificates are kept)."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.check_password(current_user, form.password.data)
            services.anonymise(current_user, current_user)
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            logout_user()
            session.clear()
            forget_this_device()
            flash(
                "Your account is deleted. Certificates you were issued can still be "
                "verified by their ID.",
                "info",
            )
            return redirect(url_for("catalog.index"))
    return render_template("accounts/delete.html", form=form)
