"""Content advisories: what a lesson, quiz or case depicts, from a list the checker knows.

A learner sees the advisory before entering and chooses to continue now or later. The
codes are stable identifiers written in the course files; the labels are what the
learner reads. Pure: no database, no Flask.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Code -> what the learner reads ("This lesson depicts ...").
ADVISORIES: dict[str, str] = {
    "panic-during-a-session": "a client in panic or acute fear during a dosing session",
    "suicidal-ideation": "suicidal thoughts and suicide risk",
    "self-harm": "self-harm",
    "sexual-boundary-violation": "sexual boundary violations by a clinician",
    "sexual-abuse": "sexual abuse or assault",
    "trauma-memories": "a client revisiting traumatic memories",
    "medical-emergency": "a medical emergency during a session",
    "substance-misuse": "substance misuse and dependence",
    "death-and-dying": "death, dying or bereavement",
    "touch-during-a-session": "a client asking for physical touch during a dosing session",
    "physical-restraint": "a client being physically restrained",
}

#: At most this many advisories on one lesson, quiz or case (more would hide the important one).
MAX_ADVISORIES = 5

#: Step kinds an advisory or a pause may belong to ("case": case simulations, `app.cases`).
STEP_KINDS = ("lesson", "quiz", "case")


def check_advisories(value: object) -> str | None:
    """A list of known advisory codes, none repeated, at most `MAX_ADVISORIES`."""
    if not isinstance(value, list):
        return "must be a list of advisory codes (see courses/README.md)"
    if not value:
        return "must list at least one advisory (or leave the key out)"
    if len(value) > MAX_ADVISORIES:
        return f"must list at most {MAX_ADVISORIES} advisories (it has {len(value)})"
    for item in value:
        if not isinstance(item, str) or item not in ADVISORIES:
            return f"has {item!r}, which is not one of: " + ", ".join(ADVISORIES)
    if len(set(value)) != len(value):
        return "lists an advisory twice"
    return None


def advisory_labels(codes: Sequence[str]) -> list[str]:
    """What each known code depicts, in the order given; unknown codes are left out."""
    return [ADVISORIES[code] for code in codes if code in ADVISORIES]
