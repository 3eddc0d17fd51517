"""Course Markdown: safe HTML rendering, and the raw HTML and links the rules look for."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.content.links import is_lesson_link

#: Maps a relative lesson link such as `../module/lesson.md` to a URL, or None to keep it.
LinkResolver = Callable[[str], str | None]

# Rendering: raw HTML is shown as text and markdown-it refuses dangerous link schemes.
_RENDERER = MarkdownIt("commonmark", {"html": False}).enable("table")

# Scanning: HTML is parsed as HTML and every link is kept, so the rules can report them.
_SCANNER = MarkdownIt("commonmark", {"html": True}).enable("table")
# markdown-it's documented way to change link validation is to replace the instance's
# method, which mypy refuses for any method.
_SCANNER.validateLink = lambda url: True  # type: ignore[method-assign]

_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "code"}
    | {"em", "strong", "a", "img", "hr", "br", "table", "thead", "tbody", "tr", "th", "td"}
)
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise_html(html: str) -> str:
    """Keep only the tags and attributes Markdown produces, with safe URLs and rel on links."""
    return nh3.clean(
        html,
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _inline_children(tokens: list[Token]) -> Iterator[tuple[int, Token]]:
    """Yield (1-based line, token) for every inline token, counting line breaks within."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else 1
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            yield line, child


def _resolve_lesson_links(tokens: list[Token], link_resolver: LinkResolver) -> None:
    """Point relative lesson links at the URLs `link_resolver` gives (keeping any #fragment)."""
    for _line, child in _inline_children(tokens):
        href = child.attrGet("href") if child.type == "link_open" else None
        if not isinstance(href, str) or not is_lesson_link(href):
            continue
        path, hash_mark, fragment = href.partition("#")
        url = link_resolver(path)
        if url is not None:
            child.attrSet("href", url + hash_mark + fragment)


def render_markdown(source: str, link_resolver: LinkResolver | None = None) -> str:
    """Render CommonMark with tables to sanitised HTML; raw HTML shows as text."""
    tokens = _RENDERER.parse(source)
    if link_resolver is not None:
        _resolve_lesson_links(tokens, link_resolver)
    return sanitise_html(_RENDERER.renderer.render(tokens, _RENDERER.options, {}))


def render_inline(source: str, link_resolver: LinkResolver | None = None) -> str:
    """Render inline Markdown only (emphasis, code, links), sanitised, for prompts and choices."""
    tokens = _RENDERER.parseInline(source)
    if link_resolver is not None:
        _resolve_lesson_links(tokens, link_resolver)
    return sanitise_html(_RENDERER.renderer.render(tokens, _RENDERER.options, {}))


def find_html(source: str) -> list[int]:
    """Return the 1-based lines where `source` holds raw HTML (tags, comments), once each."""
    return find_html_and_links(source)[0]


def find_links(source: str) -> list[tuple[int, str]]:
    """Return (1-based line, address) for every link and image in `source`, in order."""
    return find_html_and_links(source)[1]


def find_html_and_links(source: str) -> tuple[list[int], list[tuple[int, str]]]:
    """``find_html`` and ``find_links`` from one parse, as the course rules ask for both.

    In CommonMark raw HTML and autolinks begin with ``<``, and every other link, image and
    link reference with ``[``: a text with neither holds none, and is not parsed at all
    (most texts a course is checked for: choices, feedback, short prompts).
    """
    if "<" not in source and "[" not in source:
        return [], []
    return _scan(source)


def _scan(source: str) -> tuple[list[int], list[tuple[int, str]]]:
    """``find_html_and_links`` by parsing, whatever the text holds."""
    tokens = _SCANNER.parse(source)
    html = {token.map[0] + 1 for token in tokens if token.type == "html_block" and token.map}
    links = []
    for line, child in _inline_children(tokens):
        if child.type == "html_inline":
            html.add(line)
        elif child.type == "link_open":
            links.append((line, str(child.attrGet("href") or "")))
        elif child.type == "image":
            links.append((line, str(child.attrGet("src") or "")))
    return sorted(html), links
