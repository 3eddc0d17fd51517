"""Readable names for audit actions and their details; pure, so tested without an app.

Any domain may record a new action code without touching this table: an unknown code is
read out from its own words (``ce.claim_approved`` -> "CE claim approved"), so the log
never shows a blank or a raw code to the administrator.
"""

from __future__ import annotations

#: Action code -> what an administrator reads. Codes are the ones services record.
ACTION_LABELS: dict[str, str] = {
    "api.token_created": "API token made",
    "api.token_revoked": "API token revoked",
    "api.client_registered": "API client registered",
    "api.client_revoked": "API client revoked",
    "api.webhook_created": "Webhook subscription made",
    "api.webhook_secret_shown": "Webhook signing secret shown",
    "api.webhook_deleted": "Webhook subscription deleted",
    "user.signed_up": "Signed up",
    "user.sign_up_repeated": "Someone tried to sign up again with this address (told by mail)",
    "user.email_confirmed": "Confirmed email address",
    "user.profile_changed": "Changed name or license details",
    "user.created": "Account created by an administrator or command",
    "user.created_by_lti": "Account created by a launch from a learning platform (LTI)",
    "lti.platform_registered": "LTI platform registered",
    "lti.platform_removed": "LTI platform removed",
    "lti.key_rotated": "LTI tool signing key rotated",
    "lti.launched": "Launched from a learning platform (LTI)",
    "lti.account_linked": "Account linked to a learning platform user (LTI)",
    "lti.course_staff_added": "Made course staff by an instructor launch (LTI)",
    "lti.deep_linked": "Linked a course item into a learning platform (LTI deep linking)",
    "user.role_changed": "Role changed",
    "user.deactivated": "Account deactivated",
    "user.reactivated": "Account reactivated",
    "user.anonymised": "Account deleted (anonymised)",
    "user.signed_out_everywhere": "Signed out on every device by an administrator",
    "course.created": "Course created",
    "course.created_from_files": "Course imported from files",
    "course.updated_from_files": "Course updated from files",
    "course.imported_as_draft": "Course zip imported as a draft",
    "course.browser_edits_replaced": "Browser edits replaced by the course files",
    "course.published": "Course published",
    "course.draft_discarded": "Draft discarded",
    "course.blueprint_changed": "Final post-test blueprint changed in the draft",
    "course.questions_imported": "Questions imported into the draft",
    "course.archived": "Course archived",
    "course.reopened": "Course reopened for enrollment",
    "course.instructor_added": "Instructor added to the team",
    "course.instructor_removed": "Instructor removed from the team",
    "course.owner_added": "Instructor made a course owner",
    "course.completed": "Course completed",
    "course.attested": "Attestation signed",
    "enrollment.created": "Enrolled",
    "module.completed": "Module completed",
    "quiz.attempt_started": "Quiz attempt started",
    "quiz.graded": "Quiz graded",
    "quiz.closed_at_deadline": "Timed quiz graded at its deadline from the saved answers",
    "course.accommodation_set": "Accommodation set (extra time, extra attempts)",
    "settings.crisis_lines_changed": "Crisis lines changed",
    "evaluation.filed": "Course evaluation filed",
    "certificate.issued": "Certificate issued",
    "certificate.reissued": "Certificate re-issued with corrected details",
    "certificate.revoked": "Certificate revoked",
    "certificate.correction_requested": "Certificate correction requested",
    "certificate.correction_declined": "Certificate correction declined",
    "mail.failed": "Mail delivery failed",
    "mail.retried": "Mail delivery retried",
    "outbound.failed": "Delivery to another system failed",
    "outbound.retried": "Delivery to another system retried",
    "ce_claim.requested": "CE claim change sent for approval",
    "ce_claim.approved": "CE claim approved",
    "ce_claim.declined": "CE claim declined",
    "bench.seeded": "Benchmark data loaded",
}

#: Words read out in capitals when an unknown code is spelled out.
ACRONYMS = {"ce": "CE", "ceu": "CEU", "id": "ID", "pdf": "PDF", "csv": "CSV", "lti": "LTI"}

#: Detail keys -> readable names; an unknown key is spelled out the same way.
DETAIL_LABELS: dict[str, str] = {
    "old": "from",
    "new": "to",
    "user": "person",
    "course": "course",
    "fields": "changed",
    "replaces": "replaces certificate",
    "old_name": "old name",
    "new_name": "new name",
}


def _words(code: str) -> list[str]:
    return [w for w in code.replace(".", " ").replace("_", " ").replace("-", " ").split() if w]


def action_label(code: str) -> str:
    """What an administrator reads for an action code, known or not."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    words = [ACRONYMS.get(w.lower(), w.lower()) for w in _words(code)]
    if not words:
        return "Unnamed action"
    first = words[0]
    words[0] = first if first.isupper() else first.capitalize()
    return " ".join(words)


def detail_label(key: str) -> str:
    """A readable name for a detail key."""
    if key in DETAIL_LABELS:
        return DETAIL_LABELS[key]
    return " ".join(ACRONYMS.get(w.lower(), w.lower()) for w in _words(key)) or key


def person_label(user_id: int | None, name: str | None, deleted: bool) -> str:
    """How the log names a person: their name, "deleted user #n", or "the system"."""
    if user_id is None:
        return "System"
    if name is None or deleted:
        return f"Deleted user #{user_id}"
    return name
