"""Configuration read from the environment, with checks that refuse an unsafe production."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.accounts.passwords import OWASP_MINIMUM

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The site-wide approval statement the demo ships with. A real provider replaces it
#: with the wording their accreditor approved; the demo never claims an approval.
DEMO_APPROVAL_STATEMENT = (
    "Groundwork Demo Provider is a demonstration provider. It is not approved by any "
    "accrediting body, and this certificate grants no continuing-education credit."
)

_WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development"}


class ConfigError(RuntimeError):
    """Raised when the configuration would make the site unsafe to run."""


def instance_path() -> Path:
    """Return the folder for local state (database, secret key, signing key)."""
    return Path(os.environ.get("GROUNDWORK_INSTANCE", PROJECT_ROOT / "instance")).resolve()


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret(folder: Path) -> str:
    """Generate the development secret key once into instance/ and reuse it."""
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


#: Addresses that mean "every interface": a link must name one a browser can reach.
_WILDCARD_HOSTS = {"0.0.0.0", "::", ""}  # noqa: S104 (compared, never bound)  # nosec B104


def served_url(env: Mapping[str, str]) -> str:
    """The address ``flask run`` serves (``make run HOST=... PORT=...``), for links that leave.

    Without ``SITE_URL``, the certificate's QR code and the links in mails follow the port
    the development server was started on, so ``make run PORT=5001`` needs no other setting.
    """
    host = env.get("FLASK_RUN_HOST", "").strip()
    host = "127.0.0.1" if host in _WILDCARD_HOSTS else host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    port = env.get("FLASK_RUN_PORT", "").strip() or "5000"
    return f"http://{host}:{port}"


def remember_days(value: str) -> int:
    """REMEMBER_DAYS as a number of days from 14 to 30, or a ConfigError saying so."""
    text = value.strip()
    if not (text.isascii() and text.isdigit() and 14 <= int(text) <= 30):
        raise ConfigError(
            f"REMEMBER_DAYS must be a whole number of days from 14 to 30, not {value!r}."
        )
    return int(text)


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the settings dictionary from environment variables."""
    env = os.environ if environ is None else environ
    folder = instance_path()
    mode = env.get("GROUNDWORK_ENV", "development")
    debug = _flag(env.get("FLASK_DEBUG"), default=False)
    secret = env.get("SECRET_KEY")
    if not secret and mode != "production":
        secret = _development_secret(folder)
    return {
        "GROUNDWORK_ENV": mode,
        "DEBUG": debug,
        "SECRET_KEY": secret or "",
        "DATABASE_URL": env.get("DATABASE_URL", f"sqlite:///{folder / 'groundwork.sqlite3'}"),
        "PROVIDER_NAME": env.get("PROVIDER_NAME", "Groundwork Demo Provider"),
        "APPROVAL_STATEMENT": env.get("APPROVAL_STATEMENT", DEMO_APPROVAL_STATEMENT),
        "SITE_URL": env.get("SITE_URL") or served_url(env),
        # Host names answered besides SITE_URL's (comma-separated); any other Host is a 400.
        "EXTRA_TRUSTED_HOSTS": [h for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()],
        "MAIL_SENDER": env.get("MAIL_SENDER", "Groundwork <no-reply@groundwork.example>"),
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), default=True),
        # "worker" or "after-response"; empty chooses by GROUNDWORK_ENV (app/mail/__init__.py).
        "MAIL_DELIVERY": env.get("MAIL_DELIVERY", ""),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Sites that share one Redis keep their counters apart by prefix.
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", ""),
        "SIGN_IN_LIMIT_PER_IP": "20 per minute; 100 per hour",
        # Per account from one address: failures elsewhere never lock the owner out.
        "SIGN_IN_LIMIT_PER_ACCOUNT": "5 per minute; 20 per hour",
        # Current-password checks (change password, delete account), failures only.
        "PASSWORD_CHECK_LIMIT_PER_ACCOUNT": "5 per minute; 20 per hour",
        "PASSWORD_CHECK_LIMIT_PER_IP": "20 per minute; 100 per hour",
        "EMAIL_LIMIT_PER_IP": "5 per minute; 30 per hour",
        "EMAIL_LIMIT_PER_ACCOUNT": "3 per hour",
        "VERIFY_LIMIT_PER_IP": "60 per minute; 600 per hour",
        # Argon2id at OWASP's minimum cost; tests pass a cheaper one.
        "PASSWORD_HASH_COST": OWASP_MINIMUM,
        "PASSWORD_RESET_MAX_AGE": 60 * 60,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": mode == "production",
        # "Keep me signed in" tokens live on the server (app/accounts/remember.py) and end
        # REMEMBER_DAYS after the password was typed, at sign-out, or when used (rotated).
        "REMEMBER_DAYS": remember_days(env.get("REMEMBER_DAYS", "14")),
        "REMEMBER_TOKEN_COOKIE": "remember_token",
        # Flask-Login's own cookie (no issue time, no server-side end) is never set; its
        # name is moved aside so Flask-Login never tries to read the token above.
        "REMEMBER_COOKIE_NAME": "flask_login_remember_unused",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": mode == "production",
        # xAPI statements to a Learning Record Store: off while XAPI_LRS_ENDPOINT is empty
        # (app/xapi, docs/integrations.md). XAPI_ID_SECRET keys the learners' opaque ids
        # and registrations; it must never change once statements have been sent.
        "XAPI_LRS_ENDPOINT": env.get("XAPI_LRS_ENDPOINT", "").strip(),
        "XAPI_LRS_USERNAME": env.get("XAPI_LRS_USERNAME", ""),
        "XAPI_LRS_PASSWORD": env.get("XAPI_LRS_PASSWORD", ""),
        "XAPI_ACTOR": env.get("XAPI_ACTOR", "account").strip() or "account",
        "XAPI_ID_SECRET": env.get("XAPI_ID_SECRET", ""),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
    }


def check_production(settings: Mapping[str, Any]) -> None:
    """Refuse to start a production site with debug on or without a real secret key."""
    check_xapi(settings)
    if settings.get("GROUNDWORK_ENV") != "production":
        return
    if settings.get("DEBUG"):
        raise ConfigError("Refusing to start: debug mode is on in production (unset FLASK_DEBUG).")
    secret = str(settings.get("SECRET_KEY") or "")
    if secret.lower() in _WEAK_SECRETS or len(secret) < 32:
        raise ConfigError(
            "Refusing to start: SECRET_KEY must be set to a random value of at least "
            "32 characters in production (for example: python -c "
            "'import secrets; print(secrets.token_hex(32))')."
        )


def check_xapi(settings: Mapping[str, Any]) -> None:
    """Refuse an LRS setting that would leak credentials or change learners' ids later."""
    endpoint = str(settings.get("XAPI_LRS_ENDPOINT") or "")
    actor = settings.get("XAPI_ACTOR", "account")
    if actor not in ("account", "mbox_sha1sum"):
        raise ConfigError(f"XAPI_ACTOR must be 'account' or 'mbox_sha1sum', not {actor!r}.")
    if not endpoint:
        return
    if not endpoint.startswith(("https://", "http://")):
        raise ConfigError(f"XAPI_LRS_ENDPOINT must be an http(s) URL, not {endpoint!r}.")
    if settings.get("GROUNDWORK_ENV") != "production":
        return
    if not endpoint.startswith("https://"):
        raise ConfigError(
            "Refusing to start: XAPI_LRS_ENDPOINT must use https in production (the LRS "
            "password travels with every statement)."
        )
    if len(str(settings.get("XAPI_ID_SECRET") or "")) < 32:
        raise ConfigError(
            "Refusing to start: XAPI_ID_SECRET must be set to a random value of at least 32 "
            "characters when XAPI_LRS_ENDPOINT is set in production; learners' ids in the "
            "LRS derive from it, so set it once and keep it."
        )
