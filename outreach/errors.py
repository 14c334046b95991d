"""The one exception tree of outreach; front ends map it to exit codes and notifications.

OutreachError
 ├── ConfigError            a settings file or environment value is wrong
 ├── CampaignError          campaign.toml is missing, unreadable or invalid (lists every problem)
 ├── WorkspaceError         `init` would overwrite, or a workspace folder is unusable
 ├── StoreError             the database cannot be opened or used
 │    └── MigrationError    the schema cannot be brought to the head revision
 ├── NotFoundError          a market, page or record named by the user does not exist
 └── RequestError           a link request cannot make the change asked for
      └── GateBlocked       the rule gate blocks it (lists the findings)
"""

from __future__ import annotations

from collections.abc import Sequence


class OutreachError(Exception):
    """Base of every error outreach raises on purpose; its message is meant for the user."""

    exit_code: int = 2


class ConfigError(OutreachError):
    """A settings file or environment variable holds a value outreach cannot use."""


class CampaignError(OutreachError):
    """campaign.toml cannot be loaded; `problems` lists each one as `file: key: what is wrong`."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


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
