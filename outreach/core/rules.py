"""The rule gate: every rule's finding for a link request, with overrides applied."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from functools import partial

from pydantic import BaseModel

from outreach.core import rules_contact, rules_mix, rules_pace
from outreach.core.findings import NOT_OVERRIDABLE, RULES, Finding, Override, Verdict
from outreach.core.gate_inputs import Snapshot, Subject
from outreach.core.rule_settings import RuleSettings

RuleCheck = Callable[[Subject, Snapshot, RuleSettings], Finding]

CHECKS: dict[str, RuleCheck] = {
    "target-version": rules_contact.target_version,
    "language-match": rules_contact.language_match,
    "anchor-mix": rules_mix.anchor_mix,
    "anchor-geo": rules_mix.anchor_geo,
    "anchor-exact-repeat": rules_mix.anchor_exact_repeat,
    "local-mix": rules_mix.local_mix,
    "velocity": rules_pace.velocity,
    "one-language-swamp": rules_pace.one_language_swamp,
    "quality": rules_contact.quality,
    "cooldown": rules_contact.cooldown,
    "do-not-contact": rules_contact.do_not_contact,
    "template": rules_contact.template,
    "email": rules_contact.email,
}
assert tuple(CHECKS) == RULES, "every rule has a check, listed in RULES order"

SHARED_INPUTS: dict[str, Callable[[Subject], Hashable]] = {
    "target-version": lambda s: (s.page_url, s.market.tag),
    "anchor-mix": lambda s: (s.page_url, s.anchor_class, s.counted_on is None),
    "anchor-geo": lambda s: (s.anchor, s.context, s.market.tag),
    "anchor-exact-repeat": lambda s: (s.page_url, s.anchor_class, s.anchor_keyword),
    "local-mix": lambda s: (s.page_url, s.locality, s.counted_on is None),
    "velocity": lambda s: (s.market.tag, s.counted_on is None),
    "one-language-swamp": lambda s: (s.market.tag, s.counted_on is None),
    "template": lambda s: (s.market.tag, s.template),
}
"""Everything these rules read about a request; requests that agree on it share one finding."""


def switched_off(settings: RuleSettings) -> frozenset[str]:
    """The rules campaign.toml disables for a market."""
    sections = {rule: getattr(settings, rule.replace("-", "_"), None) for rule in CHECKS}
    return frozenset(rule for rule, section in sections.items()
                     if isinstance(section, BaseModel) and getattr(section, "enabled", True) is False)


Plan = list[tuple[str, RuleCheck | None, Callable[[Subject], Hashable] | None]]


def check(subject: Subject, snap: Snapshot, overrides: Mapping[str, Override] | None = None) -> list[Finding]:
    """Every rule's finding for one request, in RULES order, overridden blocks marked."""
    tag = subject.market.tag
    settings, plan = snap.memo(("plan", tag), partial(_plan, snap, tag))
    shared = snap.shared
    findings = []
    for rule, run, inputs in plan:
        if run is None:
            finding = Finding(rule, Verdict.PASS, f"switched off for {tag} in campaign.toml")
        elif inputs is None:
            finding = run(subject, snap, settings)
        else:
            key = (rule, inputs(subject))
            finding = shared[key] if key in shared else shared.setdefault(key, run(subject, snap, settings))
        override = overrides.get(rule) if overrides else None
        if override and finding.verdict is Verdict.BLOCK and rule not in NOT_OVERRIDABLE:
            finding = finding.overridden_by(override)
        findings.append(finding)
    return findings


def _plan(snap: Snapshot, tag: str) -> tuple[RuleSettings, Plan]:
    """A market's rule settings and, per rule, its check (None when switched off) and shared inputs."""
    settings = snap.campaign.rules_for(tag)
    off = switched_off(settings)
    plan: Plan = [(rule, None if rule in off else run, SHARED_INPUTS.get(rule))
                  for rule, run in CHECKS.items()]
    return settings, plan
