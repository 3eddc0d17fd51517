"""Flask extensions, created here and bound to each app in the factory."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
#: Storage comes from RATELIMIT_STORAGE_URI: memory by default, Redis when workers share it.
#: No X-RateLimit headers on every response (each costs the store another round trip);
#: a refusal says when to retry (``app.errors``).
limiter = Limiter(get_remote_address, headers_enabled=False)
