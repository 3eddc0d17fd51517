"""Break opportunities in long tokens and scrollable lesson tables (pure, no app)."""

from __future__ import annotations

from app.wrapping import breakable, scrollable_tables


def test_tokens_break_only_after_their_separators_and_stay_escaped():
    assert str(breakable("a.b@c_d/e")) == "a.<wbr>b@<wbr>c_<wbr>d/<wbr>e"
    assert str(breakable("<script>x.y")) == "&lt;script&gt;x.<wbr>y"
    assert str(breakable(None)) == ""


def test_each_lesson_table_gets_a_labelled_focusable_region():
    html = "<p>x</p><table><tr><td>a</td></tr></table><table></table>"
    out = str(scrollable_tables(html))
    assert out.count('role="region" tabindex="0"') == 2
    assert 'aria-label="Table 1, scrolls sideways if wider than the screen"' in out
    assert 'aria-label="Table 2,' in out and out.count("</table></div>") == 2
    assert str(scrollable_tables("<p>No table</p>")) == "<p>No table</p>"
