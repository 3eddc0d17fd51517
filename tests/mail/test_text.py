"""How a message reads in a terminal and on /dev/mail: links stand alone and stay whole."""

from __future__ import annotations

from app.mail.text import Segment, links_on_their_own_lines, segments

INLINE = (
    "An account already uses this address. If it was you, sign in at "
    "http://127.0.0.1:5000/sign-in or reset your password at "
    "http://127.0.0.1:5000/forgot-password.\nIf it was not you, ignore this message."
)


def test_each_link_gets_a_line_of_its_own_without_the_full_stop_after_it():
    lines = links_on_their_own_lines(INLINE).splitlines()
    assert "http://127.0.0.1:5000/sign-in" in lines
    assert "http://127.0.0.1:5000/forgot-password" in lines
    assert lines[0] == "An account already uses this address. If it was you, sign in at"
    assert lines[-1] == "If it was not you, ignore this message."


def test_a_body_without_links_is_unchanged():
    body = "Hello.\n\nNothing to click here.\n"
    assert links_on_their_own_lines(body) == body.rstrip("\n")


def test_a_long_signed_token_stays_whole():
    link = "http://127.0.0.1:5000/confirm/eyJ1c2VyIjoxfQ.Z3w-Aa.b_c-D1e2F3"
    assert links_on_their_own_lines(f"Confirm:\n{link}\n\nThanks.").splitlines()[1] == link


def test_segments_mark_only_the_links_and_keep_every_character():
    parts = segments(INLINE)
    assert "".join(p.text for p in parts) == INLINE
    assert [p.text for p in parts if p.is_link] == [
        "http://127.0.0.1:5000/sign-in",
        "http://127.0.0.1:5000/forgot-password",
    ]
    assert Segment(".\nIf it was not you, ignore this message.", False) == parts[-1]


def test_only_web_links_become_links():
    parts = segments("javascript:alert(1) and mailto:a@b.c and ftp://x.test stay text")
    assert not any(p.is_link for p in parts)
