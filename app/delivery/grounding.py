"""The grounding exercise the Pause control opens, and where "return to where I was" may go.

Pure: no database, no Flask.
"""

from __future__ import annotations

from urllib.parse import urlsplit

#: The site's grounding exercise, for a course that does not write its own (``grounding:``
#: in course.yml). Written to shared/reference/clinical-facts.md: an invitation, never an
#: instruction; no promise of outcome; says where to turn if the material stirs up more
#: than a pause can hold.
DEFAULT_GROUNDING = """\
Take a moment. Nothing here is timed, and your place is kept.

1. **Notice where you are.** Name to yourself three things you can see in the room.
2. **Feel your support.** Notice your feet on the floor and the chair or surface
   holding you.
3. **Breathe at your own pace.** If you like, let each breath out be a little longer than
   the breath in. If focusing on breathing is not comfortable for you, keep your
   attention on the room instead.
4. **Choose what comes next.** You can return to the material, or stop for today and
   come back later.

Difficult material can stir up our own experiences. If it brings up more than a pause
can hold, consider reaching out to a colleague, supervisor or your own therapist. If you
are in crisis, the crisis lines below are there for you.
"""

#: Longest "return to" path kept (a lesson or attempt path with a fragment is far shorter).
MAX_RETURN_LENGTH = 500


def safe_return_path(value: str | None) -> str | None:
    """A same-site path to return to, or None: never another host, scheme or protocol-relative URL.

    Accepts ``/courses/...`` with an optional query and fragment; refuses ``//evil``,
    ``https://evil``, ``/\\evil``, control characters and anything over `MAX_RETURN_LENGTH`.
    """
    if not value or len(value) > MAX_RETURN_LENGTH:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value) or "\\" in value:
        return None
    if not value.startswith("/") or value.startswith("//"):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value
