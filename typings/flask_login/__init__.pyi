# Types for the part of Flask-Login 0.6 that Groundwork uses: the package ships neither
# inline types nor a py.typed marker, and PyPI has no stubs for it. Read by mypy only
# (mypy_path in pyproject.toml); nothing here runs.
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from blinker import NamedSignal
from flask import Flask

_P = ParamSpec("_P")
_R = TypeVar("_R")
_F = TypeVar("_F", bound=Callable[..., Any])

# A proxy to the signed-in User, or to an anonymous user that has none of User's columns:
# Any, since the two share only is_authenticated and friends, and views read both.
current_user: Any

class UserMixin:
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_anonymous(self) -> bool: ...
    def get_id(self) -> str | None: ...

class LoginManager:
    login_view: str | None
    login_message: str
    login_message_category: str
    session_protection: str | None
    def __init__(self, app: Flask | None = ..., add_context_processor: bool = ...) -> None: ...
    def init_app(self, app: Flask, add_context_processor: bool = ...) -> None: ...
    def user_loader(self, callback: _F) -> _F: ...
    def request_loader(self, callback: _F) -> _F: ...

def login_required(func: Callable[_P, _R]) -> Callable[_P, _R]: ...
def login_user(
    user: Any,
    remember: bool = ...,
    duration: Any = ...,
    force: bool = ...,
    fresh: bool = ...,
) -> bool: ...
def logout_user() -> bool: ...

user_logged_in: NamedSignal
