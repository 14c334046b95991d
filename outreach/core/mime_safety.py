"""What may go into a mail header: one line, no control characters, so no data can add a header."""

from __future__ import annotations

import re

from outreach.errors import UnsafeHeaderError

UNSAFE_IN_HEADER = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters (CR, LF, NUL, tab…) and the Unicode line and paragraph separators."""
_SPACES = re.compile(r"\s+")


def unsafe_character(value: str) -> str | None:
    """The first character that must not appear in a header value, or None."""
    found = UNSAFE_IN_HEADER.search(value)
    return found.group(0) if found else None


def reject_controls(value: str, what: str) -> str:
    """The value unchanged; UnsafeHeaderError naming the field when it holds a control character."""
    bad = unsafe_character(value)
    if bad is not None:
        raise UnsafeHeaderError(f"{what} contains {bad!r}: a header value must be one line, "
                                "or data in it could inject mail headers")
    return value


def fold_display_name(value: str | None) -> str:
    """A display name (a contact's name from a CSV) as one clean line: control characters become
    spaces and runs of spaces one space, since a name is worth keeping where a subject is not."""
    if not value:
        return ""
    if value.isprintable() and "  " not in value:  # no control, separator or non-ASCII space
        return value.strip()
    return _SPACES.sub(" ", UNSAFE_IN_HEADER.sub(" ", value)).strip()
