"""Links in course Markdown: which are allowed, and which lesson a relative `.md` link names."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from urllib.parse import unquote

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
# Browsers ignore ASCII whitespace and control characters inside a URL's scheme.
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")
_ALLOWED_SCHEMES = frozenset({"https", "mailto"})
_REFUSED_SCHEMES = frozenset({"javascript", "vbscript", "data", "file"})


def link_scheme(href: str) -> str | None:
    """Return the lower-case scheme of `href` as a browser would see it, or None if relative."""
    match = _SCHEME.match(_IGNORED_BY_BROWSERS.sub("", href))
    return match.group(1).lower() if match else None


def _path_part(href: str) -> str:
    """Return `href` without its `#fragment` and `?query`."""
    return href.split("#", 1)[0].split("?", 1)[0]


def is_lesson_link(href: str) -> bool:
    """Tell whether `href` is a relative link to a lesson file (`x.md`, `../module/x.md`)."""
    path = _path_part(href)
    return (
        link_scheme(href) is None
        and not href.startswith(("/", "\\"))
        and unquote(path).endswith(".md")
    )


def lesson_target(href: str, module_slug: str | None) -> tuple[str, str] | None:
    """Return (module slug, lesson slug) that a lesson link names, seen from `module_slug`.

    `module_slug` is the module whose lesson or quiz holds the link; None means the course
    folder itself (the course description and the final quiz).
    """
    if not is_lesson_link(href):
        return None
    path = unquote(_path_part(href))
    parts = posixpath.normpath(posixpath.join(module_slug or "", path)).split("/")
    if len(parts) != 2 or parts[0] in ("", ".", ".."):
        return None
    return parts[0], parts[1].removesuffix(".md")


def check_link(
    href: str, module_slug: str | None, lessons: Collection[tuple[str, str]]
) -> str | None:
    """Return why a link may not appear in course Markdown, or None if it may.

    `lessons` holds the (module slug, lesson slug) pairs that exist in the course.
    """
    scheme = link_scheme(href)
    if scheme in _ALLOWED_SCHEMES:
        return None
    if scheme in _REFUSED_SCHEMES:
        return f"{scheme}: links are not allowed"
    if scheme is not None or href.startswith("//"):
        return f"links to other sites must start with https:// ({href})"
    if not href.strip():
        return "a link needs an address"
    if href.startswith("#"):
        return None
    if is_lesson_link(href):
        target = lesson_target(href, module_slug)
        if target is None or target not in lessons:
            return f"link to a missing lesson: {href}"
        return None
    return f"a relative link must name a lesson file (.md): {href}"
