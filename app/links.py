"""Absolute links that leave the site (mails, credentials, QR codes), built from SITE_URL.

Never from the request: the Host header is the client's to choose, and a reset link
built from it would carry a valid token to whatever host an attacker names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

#: Names a developer's browser uses for `make run` on this machine.
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def site_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` on the configured site, whatever host was asked."""
    parts = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def host_of(url: str) -> str:
    """The host name of a URL or ``host[:port]``, lower-case and without the port."""
    text = url.strip()
    netloc = urlsplit(text if "//" in text else f"//{text}").hostname
    return (netloc or "").lower()


def trusted_hosts(settings: Mapping[str, Any], extra: Iterable[str] = ()) -> list[str]:
    """The host names this site answers to: SITE_URL's, SERVER_NAME's, the configured
    extras, and in development the local names `make run` is opened with."""
    names = [host_of(str(settings.get("SITE_URL") or ""))]
    if settings.get("SERVER_NAME"):
        names.append(host_of(str(settings["SERVER_NAME"])))
    names.extend(host_of(name) for name in extra)
    if settings.get("GROUNDWORK_ENV") != "production":
        names.extend(LOCAL_HOSTS)
    return list(dict.fromkeys(name for name in names if name))
