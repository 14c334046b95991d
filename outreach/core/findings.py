"""What the rule gate says: one finding per rule, with the numbers behind it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum


class Verdict(StrEnum):
    """A rule's verdict, mildest first."""

    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    WARN = "warn"
    BLOCK = "block"

    @property
    def weight(self) -> int:
        """Ordering: pass < warn < block."""
        return ("pass", "warn", "block").index(self.value)


RULES = (
    "target-version", "language-match", "anchor-mix", "anchor-geo", "anchor-exact-repeat",
    "local-mix", "velocity", "one-language-swamp", "quality", "cooldown", "do-not-contact",
    "template", "email",
)
"""Every rule a link request is checked against, in the order findings are listed."""

NOT_OVERRIDABLE = frozenset({"do-not-contact", "template", "email"})
"""Blocks no reason can lift: nobody on the list, no unapproved text, no dead or suppressed address."""


@dataclass(frozen=True)
class Override:
    """Who let a block through, when, and why."""

    actor: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one request, explained in a line with its numbers."""

    rule: str
    verdict: Verdict
    message: str
    numbers: dict[str, float | int | str] = field(default_factory=dict)
    override: Override | None = None

    @property
    def blocks(self) -> bool:
        """Whether this finding stops the request (a block nobody overrode)."""
        return self.verdict is Verdict.BLOCK and self.override is None

    def overridden_by(self, override: Override) -> Finding:
        """This finding with an override attached."""
        return replace(self, override=override)

    def __str__(self) -> str:
        note = f" (overridden by {self.override.actor}: {self.override.reason})" if self.override else ""
        return f"{self.verdict.value} {self.rule}: {self.message}{note}"


def worst(findings: Iterable[Finding]) -> Verdict:
    """The most severe verdict among findings that still count (overridden blocks count as warn)."""
    verdicts = [Verdict.WARN if f.override else f.verdict for f in findings]
    return max(verdicts, key=lambda verdict: verdict.weight, default=Verdict.PASS)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a request."""
    return [finding for finding in findings if finding.blocks]


def percent(part: float, whole: float) -> str:
    """`3 of 14 (21%)`, the way every share in a message is written."""
    share = part / whole if whole else 0.0
    return f"{part:g} of {whole:g} ({share:.0%})"
