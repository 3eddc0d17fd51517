"""Certificate IDs: unguessable, unique, printed in groups, parsed back however typed."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.certificates.identifiers import (
    ALPHABET,
    RANDOM_SYMBOLS,
    display_id,
    new_certificate_id,
    parse_certificate_id,
)

EXAMPLE = "0pj115pnc4ysvfa9x0ggp83rpsqk"


def test_a_new_id_is_url_safe_and_carries_at_least_128_random_bits() -> None:
    certificate_id = new_certificate_id()
    assert re.fullmatch(r"[0-9a-z]{28}", certificate_id)
    assert RANDOM_SYMBOLS * 5 >= 128
    assert parse_certificate_id(certificate_id) == certificate_id


def test_ids_are_unique_and_every_random_bit_varies() -> None:
    ids = [new_certificate_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    values = [
        int("".join(f"{ALPHABET.index(s):05b}" for s in i[:RANDOM_SYMBOLS]), 2) for i in ids[:2000]
    ]
    for bit in range(RANDOM_SYMBOLS * 5):
        ones = sum((value >> bit) & 1 for value in values)
        assert 800 < ones < 1200, f"bit {bit} is set in {ones} of 2000 IDs"


def test_display_form_is_grouped_and_parses_back() -> None:
    shown = display_id(EXAMPLE)
    assert shown == "GW-0PJ1-15PN-C4YS-VFA9-X0GG-P83R-PSQK"
    assert re.fullmatch(r"GW(-[0-9A-Z]{4}){7}", shown)
    assert parse_certificate_id(shown) == EXAMPLE
    for _ in range(200):
        certificate_id = new_certificate_id()
        assert parse_certificate_id(display_id(certificate_id)) == certificate_id


def test_parsing_tolerates_case_spaces_hyphens_and_lookalike_letters() -> None:
    typed = [
        "gw-0pj1-15pn-c4ys-vfa9-x0gg-p83r-psqk",
        "GW 0PJ1 15PN C4YS VFA9 X0GG P83R PSQK",
        "  0PJ1-15PN-C4YS-VFA9-X0GG-P83R-PSQK  ",
        "GW0PJ115PNC4YSVFA9X0GGP83RPSQK",
        "GW-OPJI-15PN-C4YS-VFA9-XOGG-P83R-PSQK",  # O for 0, I for 1
        "gw-0pjl-l5pn-c4ys-vfa9-x0gg-p83r-psqk",  # l for 1
    ]
    assert {parse_certificate_id(text) for text in typed} == {EXAMPLE}


def test_malformed_ids_are_refused() -> None:
    malformed = [
        "",
        "GW-",
        EXAMPLE[:-1],
        EXAMPLE + "0",
        EXAMPLE[:-1] + "u",  # U is not in Crockford's alphabet
        "XY-0PJ1-15PN-C4YS-VFA9-X0GG-P83R-PSQK",
        "0pj115pnc4ysvfa9x0ggp83rpsqk/../admin",
        "x" * 10_000,
        None,
        12345,
    ]
    assert [parse_certificate_id(text) for text in malformed] == [None] * len(malformed)


def test_a_single_mistyped_symbol_is_caught_by_the_check_symbols() -> None:
    accepted = 0
    for position in range(len(EXAMPLE)):
        for symbol in ALPHABET:
            if symbol != EXAMPLE[position]:
                typo = EXAMPLE[:position] + symbol + EXAMPLE[position + 1 :]
                accepted += parse_certificate_id(typo) is not None
    assert accepted <= 3  # 868 typos; 10 check bits let about 1 in 1024 through


@given(st.text(max_size=60))
def test_parsing_any_text_returns_a_canonical_id_or_none(text: str) -> None:
    parsed = parse_certificate_id(text)
    assert parsed is None or parse_certificate_id(parsed) == parsed
