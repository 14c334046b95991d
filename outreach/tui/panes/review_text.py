"""What the review pane writes: template labels, the status line, findings, the preview and the brief."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from outreach.core import briefs, qa
from outreach.core.briefs import Brief
from outreach.core.models import Prospect
from outreach.core.review import ApprovalState, decided_at_label
from outreach.core.template_drafts import DraftCheck
from outreach.errors import BriefError

MARKERS = {"approved": "✓", "needs review": "•", "rejected": "✗", "missing": "!"}
"""One character per approval state, shown before each template's name."""
STATE_STYLES = {"approved": "green", "needs review": "yellow", "rejected": "red", "missing": "red"}
SEVERITY_STYLES = {"error": "red", "warning": "yellow"}


def template_label(state: ApprovalState, *, edited: bool) -> Text:
    """`✓ pitch`, with a `*` when the editor holds unsaved changes."""
    label = Text(f"{MARKERS[state.state]} ", style=STATE_STYLES[state.state])
    label.append(state.template + (" *" if edited else ""))
    return label


def status_line(state: ApprovalState, workspace: Path, *, edited: bool) -> Text:
    """Where the text comes from, its approval state and who decided, and whether it is saved."""
    line = Text(f"{state.market} · {state.template} · ")
    line.append(state.state, style=f"bold {STATE_STYLES[state.state]}")
    decision = state.review
    if decision is not None and state.state in ("approved", "rejected"):
        line.append(f" by {decision.reviewer}, {decided_at_label(decision.decided_at)}")
        if decision.comment:
            line.append(f": «{decision.comment}»")
    if state.source is not None:
        line.append(f" · {_relative(state.source.path, workspace)} {state.source.short_hash}", style="dim")
    if state.note:
        line.append(f" · {state.note}", style="dim")
    if edited:
        line.append(" · edited, not saved: a decision covers the saved text", style="bold yellow")
    return line


def _relative(path: Path, workspace: Path) -> str:
    try:
        return str(path.relative_to(workspace))
    except ValueError:
        return str(path)


def finding_label(finding: qa.Finding, template: str) -> Text:
    """`line 12 error [address-form] …`, or the template's name when the finding has no line."""
    where = f"line {finding.line}" if finding.line else f"{template}.j2"
    label = Text(f"{where} ")
    label.append(finding.severity, style=f"bold {SEVERITY_STYLES[finding.severity]}")
    label.append(f" [{finding.check}] {finding.message}")
    return label


def preview_text(check: DraftCheck, prospect: Prospect) -> Text:
    """The rendered subject and body for the prospect, or why they did not render."""
    who = prospect_label(prospect)
    if check.message is None:
        text = Text(f"Cannot render for {who}:\n", style="bold red")
        text.append(str(check.error))
        return text
    message = check.message
    text = Text(f"{message.message} for {who}\n", style="dim")
    text.append("Subject: ", style="bold")
    text.append(f"{message.subject}\n\n")
    text.append(message.body)
    return text


def prospect_label(prospect: Prospect) -> str:
    """`#12 El Economista (Ana Pérez)` or `sample prospect (Example Media)`."""
    who = prospect.outlet or prospect.domain
    contact = f" ({prospect.contact_name})" if prospect.contact_name else ""
    prefix = "sample prospect: " if prospect.id is None else f"#{prospect.id} "
    return f"{prefix}{who}{contact}"


def brief_of(workspace: Path, tag: str) -> str:
    """A market's brief read from its file as Markdown, or what is wrong with the file."""
    try:
        brief = briefs.load_brief(workspace, tag)
    except BriefError as exc:
        problems = "\n".join(f"- {problem}" for problem in exc.problems)
        return f"# {tag}\n\nThe brief cannot be read:\n\n{problems}"
    return brief_markdown(tag, brief, workspace)


def brief_markdown(tag: str, brief: Brief | None, workspace: Path) -> str:
    """A market's brief as Markdown: title, topics and angles, data hooks as a table, then the prose."""
    if brief is None:
        return f"# {tag}\n\nNo brief yet: write `briefs/{tag}.md`."
    parts = [f"# {_cell(brief.title) or tag}", f"*{_relative(brief.path, workspace)}*"]
    for heading, items in (("Topics", brief.topics), ("Angles", brief.angles), ("Formats", brief.formats),
                           ("Sources", brief.source_types)):
        if items:
            parts.append(f"**{heading}:** " + "; ".join(_cell(item) for item in items))
    if brief.hooks:
        rows = [f"| `{hook.name}` | {hook.value} {_unit(hook.unit)} | {hook.as_of} | "
                f"{_cell(hook.source) or '—'} |" for hook in brief.hooks.values()]
        parts.append("\n".join(["| hook | value | as of | source |", "|---|---|---|---|", *rows]))
    if brief.prose:
        parts.append(brief.prose)
    return "\n\n".join(parts)


def _unit(unit: str) -> str:
    return {"number": "", "date": "", "percent": "%"}.get(unit, unit.partition(":")[2])


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell or heading line."""
    return " ".join(text.replace("|", "\\|").split())
