"""The LTI claim rules, without an app (app.lti.claims is pure)."""

from __future__ import annotations

from typing import Any

import pytest

from app.lti.claims import LTI, LaunchRefused, check_claims, parse_target

BASE: dict[str, Any] = {
    "aud": "tool",
    "sub": "u1",
    "nonce": "n1",
    LTI + "version": "1.3.0",
    LTI + "message_type": "LtiResourceLinkRequest",
    LTI + "deployment_id": "d1",
    LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    LTI + "resource_link": {"id": "r1"},
    LTI + "custom": {"target": "course:c"},
}


def check(**changes: Any):  # type: ignore[no-untyped-def]
    claims = {**BASE, **changes}
    return check_claims(claims, client_id="tool", nonce="n1", deployment_ids=["d1"])


def test_a_good_launch_reads_out() -> None:
    launch = check()
    assert (launch.sub, launch.target, launch.link_id, launch.is_staff) == (
        "u1",
        "course:c",
        "r1",
        False,
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aud": ["tool", "other"]}, "no authorised party"),
        ({"aud": ["tool", "other"], "azp": "other"}, r"another tool \(azp\)"),
        ({"nonce": "n2"}, "nonce"),
        ({"sub": ""}, "who the learner is"),
        ({LTI + "roles": "Learner"}, "roles claim"),
        ({LTI + "resource_link": {}}, "no resource link"),
        ({LTI + "custom": {}}, "does not name a Groundwork"),
        ({LTI + "deployment_id": 7}, "deployment"),
    ],
)
def test_each_broken_rule_is_named(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(LaunchRefused, match=reason):
        check(**changes)


def test_several_audiences_with_our_azp_pass() -> None:
    assert check(aud=["tool", "other"], azp="tool").sub == "u1"


@pytest.mark.parametrize(
    ("target", "parsed"),
    [
        ("course:c", ("course", "c", "")),
        ("module:c/m1", ("module", "c", "m1")),
        ("quiz:c/final", ("quiz", "c", "final")),
    ],
)
def test_targets_parse(target: str, parsed: tuple[str, str, str]) -> None:
    assert parse_target(target) == parsed


@pytest.mark.parametrize(
    "target", ["", "course:", "module:c", "quiz:c/m/x", "lesson:c/m", "course:c/m"]
)
def test_other_targets_are_refused(target: str) -> None:
    with pytest.raises(ValueError):
        parse_target(target)
