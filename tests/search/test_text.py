"""Search text handling without an app: query words, plain text, safe highlighting."""

from __future__ import annotations

from app.search.text import START, STOP, clean, highlight, plain_text, query_terms


def test_query_words_drop_every_operator_a_search_engine_would_read():
    assert query_terms('Window OF "tolerance" NEAR(a b) -x* col:y') == [
        "window", "of", "tolerance", "near", "a", "b", "x", "col", "y",
    ]  # fmt: skip
    assert query_terms("  ** ( ) ") == []
    assert len(query_terms("word " * 100)) == 12


def test_plain_text_reads_rendered_lessons_as_words():
    assert (
        plain_text("<h2>Why</h2><p>Go &amp; check <em>often</em>.</p>") == "Why Go & check often."
    )
    assert plain_text("<p>a\x02b\x03c</p>") == "a b c"
    assert clean("x \x02 y\n\nz") == "x y z"


def test_highlight_escapes_the_text_and_marks_only_what_matched():
    marked = f"<script>alert(1)</script> the {START}window{STOP} & more"
    assert str(highlight(marked)) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; the <mark>window</mark> &amp; more"
    )


def test_a_stray_marker_never_leaves_an_open_tag():
    assert str(highlight(f"open {START}only")) == "open only"
    assert str(highlight(f"{STOP}close")) == "close"
