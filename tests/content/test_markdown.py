"""Course Markdown renders to safe HTML whatever an author (or attacker) writes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.content import markdown
from app.content.markdown import find_html, find_links, render_inline, render_markdown

# How a browser finds a URL's scheme (ignoring whitespace and control characters).
URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
SAFE_SCHEMES = ("http", "https", "mailto")

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;vascript:alert(1))",
    "[click](<java\tscript:alert(1)>)",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click](vbscript:msgbox(1))",
    '<img src="x" onerror="alert(1)">',
    "![x](x onerror=alert(1))",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "<!-- a comment -->",
    "text <!-- an inline comment --> text",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    '<p style="position:fixed">x</p>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)">',
]


class _Tags(HTMLParser):
    """Collects the tags and attributes of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def assert_safe(html: str) -> None:
    """No script, no event handler or style, no comment, and only safe URLs."""
    parsed = _Tags()
    parsed.feed(html)
    assert "<script" not in html.lower()
    assert not {"script", "iframe", "svg", "style"} & set(parsed.tags)
    assert parsed.comments == []
    for name, value in parsed.attributes:
        assert not name.startswith("on") and name != "style"
        if name in ("href", "src"):
            scheme = URL_SCHEME.match(re.sub(r"[\x00-\x20]", "", value))
            assert scheme is None or scheme[1].lower() in SAFE_SCHEMES, value


@pytest.mark.parametrize("source", ATTACKS)
def test_attacks_never_reach_the_output(source: str) -> None:
    assert_safe(render_markdown(source))
    assert_safe(render_inline(source))


def test_raw_html_is_shown_as_text() -> None:
    assert render_markdown("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"
    assert render_markdown("[click](javascript:alert(1))") == (
        "<p>[click](javascript:alert(1))</p>\n"
    )


def test_commonmark_and_tables_render() -> None:
    html = render_markdown("## Steps\n\n1. *one*\n2. `two`\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n")
    assert "<h2>Steps</h2>" in html
    assert "<ol>\n<li><em>one</em></li>\n<li><code>two</code></li>\n</ol>" in html
    assert "<table>" in html and "<td>2</td>" in html
    assert "style" not in html


def test_links_get_rel_noopener() -> None:
    html = render_markdown("[988](https://988lifeline.org)")
    assert html == ('<p><a href="https://988lifeline.org" rel="noopener noreferrer">988</a></p>\n')


def test_lesson_links_are_resolved_keeping_their_fragment() -> None:
    seen: list[str] = []

    def resolver(path: str) -> str | None:
        seen.append(path)
        return "/lessons/" + path.rsplit("/", 1)[-1].removesuffix(".md")

    html = render_markdown("[a](../m/a.md#top) [b](https://example.org/b.md)", resolver)
    assert seen == ["../m/a.md"]
    assert 'href="/lessons/a#top"' in html and 'href="https://example.org/b.md"' in html


def test_unresolved_lesson_links_stay_relative() -> None:
    assert 'href="a.md"' in render_markdown("[a](a.md)", lambda path: None)
    assert 'href="a.md"' in render_markdown("[a](a.md)")


def test_render_inline_makes_no_paragraph() -> None:
    assert render_inline("Pick **one**") == "Pick <strong>one</strong>"


def test_find_html_reports_lines_of_blocks_inline_tags_and_comments() -> None:
    source = (
        "Intro\n<div>\nx\n</div>\n\nText and <b>bold</b>\nmore <!-- note -->\n\n`<i>code</i>`\n"
    )
    assert find_html(source) == [2, 6, 7]


def test_find_html_sees_html_in_table_cells() -> None:
    assert find_html("| a |\n| - |\n| <i>x</i> |\n") == [3]


def test_find_links_reports_every_link_even_refused_ones() -> None:
    source = "[a](a.md)\n\ntext\n[j](JaVaScRiPt:x) ![i](data:x)\n<https://example.org>\n"
    assert find_links(source) == [
        (1, "a.md"),
        (4, "JaVaScRiPt:x"),
        (4, "data:x"),
        (5, "https://example.org"),
    ]


FRAGMENTS = st.sampled_from(
    [
        "<script>",
        "</script>",
        "javascript:",
        "JaVaScRiPt:",
        "&#106;",
        "&#x6A;",
        "&colon;",
        "[x](",
        "](",
        ")",
        "<",
        ">",
        '"',
        "'",
        "onerror=",
        " onclick=",
        "<img src=x ",
        "<a href=",
        "<!--",
        "-->",
        "data:",
        "\n",
        "\n\n",
        "| a |\n|---|\n",
        "`",
        "![i](",
        "\t",
        "%0a",
        "\\",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=25).map("".join))
def test_rendering_any_text_is_safe(source: str) -> None:
    for html in (render_markdown(source), render_inline(source)):
        assert_safe(html)
        for url in _urls(html):
            decoded = re.sub(r"[\x00-\x20]", "", unquote(url)).lower()
            assert not decoded.startswith(("javascript:", "vbscript:", "data:")), url


def _urls(html: str) -> list[str]:
    """Return the href and src values in `html`."""
    parsed = _Tags()
    parsed.feed(html)
    return [value for name, value in parsed.attributes if name in ("href", "src")]


#: Markdown's other syntax, entities that spell brackets, and addresses linkify would take.
_NO_BRACKETS = st.lists(
    st.one_of(
        st.sampled_from(list("ab \n\t*_`#>-+!()]:/\\&;|=~.0123456789")),
        st.sampled_from(["&lt;", "&#60;", "&#x5b;", "&#91;", "http://x.example", "www.x.ex"]),
        st.sampled_from(["javascript:alert(1)", "mailto:a@b.example", "    code", "```\n"]),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=400)
@given(_NO_BRACKETS)
def test_a_text_without_angle_or_square_brackets_has_no_html_or_links_when_parsed(
    text: str,
) -> None:
    # find_html_and_links skips parsing such texts; the full parse must agree.
    assert "<" not in text and "[" not in text
    assert markdown._scan(text) == ([], [])
