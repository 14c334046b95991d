"""Rules on a URL version's link profile: anchor mix, anchor geography, exact repeats, local mix."""

from __future__ import annotations

from collections import Counter

from outreach.core.anchors import AnchorClass
from outreach.core.campaign import TargetPage
from outreach.core.findings import Finding, Verdict, percent
from outreach.core.gate_inputs import Snapshot, Subject
from outreach.core.rule_settings import LocalMixSettings, RuleSettings
from outreach.core.text import fold


def without_self(counts: Counter[str] | None, key: str, subject: Subject) -> Counter[str]:
    """Counts of the other links: the subject's own entry removed when it is already counted."""
    others = Counter(counts or {})
    if subject.counted_on is not None and others[key] > 0:
        others[key] -= 1
    return others


def anchor_mix(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """Exact-match share per URL version under the caps; branded plus naked share above its floor."""
    rule = settings.anchor_mix
    own = subject.anchor_class.value
    counts = without_self(snap.profile(subject.page_url).classes, own, subject)
    counts[own] += 1
    total = sum(counts.values())
    exact = counts[AnchorClass.EXACT.value]
    safe = counts[AnchorClass.BRANDED.value] + counts[AnchorClass.NAKED_URL.value]
    numbers: dict[str, float | int | str] = {"links": total, "exact": exact, "branded_naked": safe,
                                             "exact_block": rule.exact_block, "exact_warn": rule.exact_warn}
    where = f"on {subject.page_label}"
    if subject.anchor_class is AnchorClass.EXACT and exact / total > rule.exact_warn:
        verdict = Verdict.BLOCK if exact / total > rule.exact_block else Verdict.WARN
        cap = rule.exact_block if verdict is Verdict.BLOCK else rule.exact_warn
        message = f"exact-match anchors {where} would be {percent(exact, total)} > cap {cap:.0%}"
        return Finding("anchor-mix", verdict, message, numbers)
    if own not in {AnchorClass.BRANDED, AnchorClass.NAKED_URL} and safe / total < rule.branded_naked_min:
        message = (f"branded + naked-URL anchors {where} would be {percent(safe, total)} "
                   f"< {rule.branded_naked_min:.0%}; this anchor is {own}")
        return Finding("anchor-mix", Verdict.WARN, message, numbers)
    message = (f"{own} anchor; {where} exact-match {percent(exact, total)}, "
               f"branded + naked {percent(safe, total)}")
    return Finding("anchor-mix", Verdict.PASS, message, numbers)


def anchor_geo(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """The anchor (and its context) names no country, city or currency of another market."""
    country = subject.market.country
    texts = [("anchor", subject.anchor)]
    if settings.anchor_geo.check_context and subject.context:
        texts.append(("context", subject.context))
    for where, text in texts:
        foreign = snap.places.foreign_names(text, country)
        if foreign:
            name = foreign[0]
            owners = ", ".join(_markets_of(snap, name.countries))
            message = (f'{where} "{text}" names {name.text} ({name.kind} of {owners}), '
                       f"not of {subject.market.tag}'s country {country}")
            return Finding("anchor-geo", Verdict.BLOCK, message,
                           {"name": name.text, "kind": name.kind, "found_in": where})
    checked = " and context" if len(texts) > 1 else ""
    return Finding("anchor-geo", Verdict.PASS,
                   f"anchor{checked} name no other market's country, city or currency")


def _markets_of(snap: Snapshot, countries: frozenset[str]) -> list[str]:
    """Market tags of the campaign in these countries (the country code when none)."""
    tags = [m.tag for m in snap.campaign.by_priority() if m.country in countries]
    return tags or sorted(countries)


def anchor_exact_repeat(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """An exact keyword (or its counterpart in another language) is the anchor on few versions."""
    page = subject.page
    if subject.anchor_class is not AnchorClass.EXACT or page is None or page.cluster is None:
        return Finding("anchor-exact-repeat", Verdict.PASS, "not an exact-match anchor in a cluster")
    position = _keyword_position(page.keywords, subject.anchor_keyword)
    repeats = []
    for other in snap.campaign.cluster_pages(page.cluster):
        if other.url == page.url:
            continue
        twins = {fold(subject.anchor_keyword or "")} | _keywords_at(other.keywords, position)
        if twins & set(snap.profile(other.url).exact_keywords):
            repeats.append(other.market)
    allowed = settings.anchor_exact_repeat.max_versions
    numbers: dict[str, float | int | str] = {"versions": len(repeats) + 1, "max_versions": allowed}
    if len(repeats) + 1 > allowed:
        message = (f"exact keyword '{subject.anchor_keyword}' (or its counterpart) is already the "
                   f"anchor on {len(repeats)} other version(s) of cluster {page.cluster} "
                   f"({', '.join(sorted(repeats))}); max {allowed} version(s): vary the anchors")
        return Finding("anchor-exact-repeat", Verdict.WARN, message, numbers)
    return Finding("anchor-exact-repeat", Verdict.PASS,
                   f"no other version of cluster {page.cluster} uses this exact keyword", numbers)


def _keyword_position(keywords: dict[str, tuple[str, ...]], keyword: str | None) -> int | None:
    """Where a keyword sits in its language's list: the same slot across versions is its translation."""
    for words in keywords.values():
        if keyword in words:
            return words.index(keyword)
    return None


def _keywords_at(keywords: dict[str, tuple[str, ...]], position: int | None) -> set[str]:
    """The folded keywords at one slot of a page's lists."""
    if position is None:
        return set()
    return {fold(words[position]) for words in keywords.values() if position < len(words)}


_MIX_BOUNDS = {"local-first": ("local_first_min", None), "balanced": ("balanced_min", "balanced_max"),
               "global-first": (None, "global_first_max")}


def local_mix(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """A version's local share follows its page's mix rule; only requests that push it the wrong way fail."""
    rule = settings.local_mix
    counts = without_self(snap.profile(subject.page_url).localities, subject.locality, subject)
    counts[subject.locality] += 1
    total, local = sum(counts.values()), counts["local"]
    low, high, mix = share_band(subject.page, rule)
    share = local / total
    is_local = subject.locality == "local"
    numbers: dict[str, float | int | str] = {"links": total, "local": local, "min": low, "max": high}
    wrong_way = (share < low and not is_local) or (share > high and is_local)
    summary = f"local sources on {subject.page_label} would be {percent(local, total)}"
    if not wrong_way:
        return Finding("local-mix", Verdict.PASS,
                       f"{summary}; {mix} wants {low:.0%}-{high:.0%}", numbers)
    bound = f"< {low:.0%}" if share < low else f"> {high:.0%}"
    verdict = Verdict.BLOCK if total >= rule.min_sample else Verdict.WARN
    sample = "" if verdict is Verdict.BLOCK else f" (only {total} links; blocks from {rule.min_sample})"
    source = "a local" if is_local else f"a {subject.locality}"
    return Finding("local-mix", verdict, f"{summary} {bound} for {mix}; this is {source} source{sample}",
                   numbers)


SHARE_TOLERANCE = 0.10
"""How far a version's local share may drift from a planned `local_share` either way."""


def share_band(page: TargetPage | None, rule: LocalMixSettings) -> tuple[float, float, str]:
    """The local share band a version must keep, and its name: a planned share ± 10 points, or the rule's."""
    planned = page.local_share if page else None
    if planned is not None:
        return (max(0.0, planned - SHARE_TOLERANCE), min(1.0, planned + SHARE_TOLERANCE),
                f"the planned {planned:.0%} local")
    mix = page.mix if page else "local-first"
    low_name, high_name = _MIX_BOUNDS[mix]
    low = getattr(rule, low_name) if low_name else 0.0
    return low, (getattr(rule, high_name) if high_name else 1.0), mix
