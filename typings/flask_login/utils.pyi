# See __init__.pyi: the same functions, where Flask-Login defines them.
from flask_login import login_required as login_required
from flask_login import login_user as login_user
from flask_login import logout_user as logout_user

def encode_cookie(payload: str, key: str | None = ...) -> str: ...
