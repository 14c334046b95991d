"""The rule gate's findings as text people read: the verdict first, then each rule with its numbers."""

from __future__ import annotations

from rich.text import Text

from outreach.core.findings import Finding, Verdict, worst
from outreach.core.request_drafts import numbers_line

STYLES = {Verdict.PASS: "green", Verdict.WARN: "yellow", Verdict.BLOCK: "bold red"}
MARKS = {Verdict.PASS: "✓", Verdict.WARN: "!", Verdict.BLOCK: "✗"}


def verdict_text(title: str, anchor: str, findings: list[Finding]) -> Text:
    """Blocks and warnings in full (message, numbers, override); passes as one line of rule names."""
    verdict = worst(findings)
    text = Text()
    text.append(f"{title}: ", style="bold")
    text.append(verdict.value.upper(), style=STYLES[verdict])
    text.append(f"\nanchor: {anchor}\n")
    for finding in findings:
        if finding.verdict is Verdict.PASS:
            continue
        style = "dim" if finding.override else STYLES[finding.verdict]
        text.append(f"{MARKS[finding.verdict]} {finding.verdict.value} {finding.rule}", style=style)
        text.append(f": {finding.message}\n")
        if finding.numbers:
            text.append(f"    {numbers_line(finding)}\n", style="dim")
        if finding.override:
            override = finding.override
            text.append(f"    overridden by {override.actor}: {override.reason}\n", style="dim")
    passed = [finding.rule for finding in findings if finding.verdict is Verdict.PASS]
    if passed:
        text.append(f"✓ pass: {', '.join(passed)}", style="green")
    return text
