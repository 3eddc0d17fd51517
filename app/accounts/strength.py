"""Whether a new password is too easy to guess, and why, in words a user understands.

Pure: no app, no database. zxcvbn judges the password against 30,000 common passwords,
63,000 common words and names and the patterns people build from them (l33t, dates,
sequences, repeats, keyboard walks); the context (the site's name, the user's email
and name) is added to its dictionaries, and a password that is little more than that
context is refused outright, whatever zxcvbn scores it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

#: zxcvbn's scale: 3 is "safely unguessable" (about 10^8 guesses and more), the least
#: that stands up to an offline attack on a leaked Argon2id hash for long.
MIN_SCORE = 3
#: zxcvbn refuses longer input; the first 72 characters decide (a long password whose
#: start is weak is weak).
ZXCVBN_MAX = 72
#: Letters a password must have beyond the context words, or it is built from them.
MIN_OWN_LETTERS = 6

_SEPARATORS = re.compile(r"[\s._+@,;:'\"()-]+")


def context_words(*texts: str | None) -> list[str]:
    """The guessable words in an email, a name or a site name, lower-case and whole too."""
    words: list[str] = []
    for text in texts:
        if not text:
            continue
        lowered = text.strip().lower()
        words.append(lowered)
        local, _, domain = lowered.partition("@")
        if domain:
            words.extend((local, domain))
        words.extend(_SEPARATORS.split(lowered))
    return list(dict.fromkeys(word for word in words if len(word) >= 3))


def _built_from(password: str, context: list[str]) -> bool:
    remainder = password.lower()
    used = False
    for word in sorted(context, key=len, reverse=True):
        if word in remainder:
            remainder = remainder.replace(word, " ")
            used = True
    return used and sum(ch.isalpha() for ch in remainder) < MIN_OWN_LETTERS


def password_problem(password: str, context: Iterable[str] = ()) -> str | None:
    """Why ``password`` would be refused as too easy to guess, or None if it will do."""
    words = list(context)
    if _built_from(password, words):
        return (
            "This password is built from your email address, your name or the site's name, "
            "which anyone can guess. Choose words that have nothing to do with you."
        )
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"]["warning"].rstrip(".")
    reason = f" ({warning[0].lower()}{warning[1:]})" if warning else ""
    return (
        f"This password is too easy to guess{reason}. A short phrase of unrelated words works well."
    )
