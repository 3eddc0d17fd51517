"""No open redirect: whatever ``next`` says, a browser following the answer stays on this site.

tests/accounts/test_sign_in.py checks the usual tricks at sign-in. This adds what a
browser does to a Location before following it (drops tabs and newlines, strips
surrounding control characters and spaces, reads a backslash as a slash) and asks it of
any text, on the path a signed-in visitor takes too.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.hostile import ANY_CHARACTER, HOSTILE_WORDS

SITE = "http://groundwork.test"
TRICKS = (
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%09/evil.example",
    "%2F%2Fevil.example",
    "\\/evil.example",
    "/\\evil.example",
    "https:evil.example",
    "https:/evil.example",
    "//evil.example@groundwork.test",
    "\x00//evil.example",
    "/\u3002/evil.example",
    "data:text/html,<script>alert(1)</script>",
    "JaVaScRiPt:alert(1)",
)


def stays(response) -> bool:  # type: ignore[no-untyped-def]
    """Refused outright (a NUL, say), or redirected to a page of this site."""
    return response.status_code == 400 or (
        response.status_code == 302 and followed(response.location) == "groundwork.test"
    )


def followed(location: str) -> str:
    """The host a browser would go to for this Location (WHATWG URL parsing, simplified)."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("".join(map(chr, range(33))))
    return urlsplit(urljoin(f"{SITE}/sign-in", cleaned.replace("\\", "/"))).netloc


@pytest.mark.parametrize("target", TRICKS)
def test_tricks_lead_back_to_this_site(client, sign_in, target: str) -> None:
    sign_in()
    response = client.get("/sign-in", query_string={"next": target})
    assert stays(response), response.location


def test_any_next_stays_on_this_site(client, sign_in) -> None:
    sign_in()

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        st.one_of(
            st.text(ANY_CHARACTER, max_size=40),
            st.lists(st.sampled_from([*TRICKS, *HOSTILE_WORDS, "/", "//", "\\", "@", ":"]),
                     min_size=1, max_size=4).map("".join),
        )
    )  # fmt: skip
    def follow(target: str) -> None:
        response = client.get("/sign-in", query_string={"next": target})
        assert stays(response), response.location

    follow()
