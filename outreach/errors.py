"""The one exception tree of outreach; front ends map it to exit codes and notifications.

OutreachError
 ├── ConfigError            a settings file or environment value is wrong
 ├── WorkspaceError         `init` would overwrite, or a workspace folder is unusable
 ├── ContentError           a file people edit is invalid (lists every problem, file and key)
 │    ├── CampaignError     campaign.toml is missing, unreadable or invalid
 │    ├── BriefError        briefs/<tag>.md: front matter, a key or a data hook
 │    └── LocaleFileError   locales/<tag>/locale.toml: address form, sign-off, fallback
 ├── TemplateError          a pitch template cannot be compiled or rendered (file and line)
 │    ├── TemplateNotFoundError   no folder along the fallback chain has the template
 │    └── UnsafeHeaderError       a rendered subject would inject a mail header (CR/LF)
 ├── ReviewError            an approval is refused: QA errors, or the text changed meanwhile
 ├── StoreError             the database cannot be opened or used
 │    └── MigrationError    the schema cannot be brought to the head revision
 ├── NotFoundError          a market, page or record named by the user does not exist
 ├── RequestError           a link request cannot make the change asked for
 │    └── GateBlocked       the rule gate blocks it (lists the findings)
 ├── MailboxError           an IMAP mailbox cannot be reached, logged into or read (names the mailbox)
 ├── SendingError           a message cannot be scheduled, sent or resolved as asked (outbox, SMTP)
 ├── ImportFileError        a prospect file cannot be read (encoding, format, headers): names the file
 │    └── BadRowsError      `--strict` import with bad rows: lists each row and reason, nothing written
 ├── ProspectError          a change to a prospect is not allowed (unknown stage, merge of one record)
 │    └── DoNotContactError the prospect is on the do-not-contact list and can never be pitched
 └── Cancelled              a person stopped long work (an import, a dedupe) before it finished
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class OutreachError(Exception):
    """Base of every error outreach raises on purpose; its message is meant for the user."""

    exit_code: int = 2


class ConfigError(OutreachError):
    """A settings file or environment variable holds a value outreach cannot use."""


class ContentError(OutreachError):
    """A content file people edit is invalid; `problems` lists each as `file: key: what is wrong`."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class CampaignError(ContentError):
    """campaign.toml cannot be loaded; `problems` lists each one as `file: key: what is wrong`."""


class WorkspaceError(OutreachError):
    """A campaign workspace cannot be created or read."""


class StoreError(OutreachError):
    """The database cannot be opened or used."""


class MigrationError(StoreError):
    """The database schema cannot be brought to the head revision."""


class NotFoundError(OutreachError):
    """Something the user named (a market, a page, a record) does not exist."""


class RequestError(OutreachError):
    """A link request cannot make the change asked for (a wrong state, a bad override)."""


class GateBlocked(RequestError):
    """The rule gate blocks a request; `findings` holds the blocking findings as text."""

    exit_code = 1

    def __init__(self, request_id: int, findings: Sequence[str]) -> None:
        self.findings = tuple(findings)
        lines = [f"request #{request_id} is blocked by the rule gate:", *findings,
                 "override a block with `outreach override ID --rule RULE --reason TEXT`"]
        super().__init__("\n".join(lines))


class BriefError(ContentError):
    """A market brief (briefs/<tag>.md) cannot be read or validated."""


class LocaleFileError(ContentError):
    """A locale.toml cannot be read or validated, or the fallback chain loops."""


class TemplateError(OutreachError):
    """A pitch template fails to compile or render; names the file and, when known, the line."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.message, self.file, self.line = message, file, line
        where = f"{file}:{line}" if file and line else file
        super().__init__(f"{where}: {message}" if where else message)


class TemplateNotFoundError(TemplateError):
    """No folder along a market's fallback chain holds the template."""


class UnsafeHeaderError(TemplateError):
    """A rendered subject holds a line break or control character that could inject a header."""


class ReviewError(OutreachError):
    """An approval is refused (QA errors, or the text changed since it was shown)."""

    exit_code = 1


class MailboxError(OutreachError):
    """An IMAP mailbox cannot be reached, logged into or read; the message names the mailbox and host."""


class SendingError(OutreachError):
    """A message cannot be scheduled, sent or resolved as asked (no mailbox, wrong state, bad address)."""


class ImportFileError(OutreachError):
    """A prospect or CSV file cannot be read; the message names the file and, where known, the row."""


@dataclass(frozen=True)
class BadRow:
    """One rejected input row: where it is and why it was rejected."""

    file: str
    row: int
    """Spreadsheet row number: the header is row 1, the first data row is row 2."""
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: row {self.row}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class BadRowsError(ImportFileError):
    """A strict import met bad rows; nothing was written. `rows` lists every one."""

    def __init__(self, rows: Sequence[BadRow]) -> None:
        self.rows = tuple(rows)
        shown = [str(row) for row in self.rows[:20]]
        more = len(self.rows) - len(shown)
        tail = [f"… and {more} more bad row(s)"] if more else []
        summary = f"--strict: {len(self.rows)} bad row(s), nothing imported"
        super().__init__("\n".join([*shown, *tail, summary]))


class ProspectError(OutreachError):
    """A change to a prospect is not allowed."""


class DoNotContactError(ProspectError):
    """The prospect is on the do-not-contact list (or suppressed) and cannot be pitched."""


class Cancelled(OutreachError):
    """Long work was stopped by the person who started it; its transaction is rolled back."""

    exit_code = 130
