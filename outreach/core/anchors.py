"""Anchor classes (branded, naked URL, generic, partial match, exact match, other), in every language."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz

from outreach.core.campaign import Campaign, TargetPage
from outreach.core.geo import host_of, split_host
from outreach.core.text import fold


class AnchorClass(StrEnum):
    """The classes the anchor-mix rule counts per URL version."""

    BRANDED = "branded"
    NAKED_URL = "naked-url"
    GENERIC = "generic"
    PARTIAL = "partial"
    EXACT = "exact"
    OTHER = "other"


@dataclass(frozen=True)
class AnchorVerdict:
    """An anchor's class, the keyword it matched (exact and partial), and why."""

    anchor_class: AnchorClass
    keyword: str | None
    reason: str


_URLISH = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:[/?#]\S*)?$", re.I)


@cache
def _vocabulary() -> dict[str, dict[str, frozenset[str]]]:
    """Generic anchors and stopwords per language, folded (outreach/data/anchors.toml)."""
    raw = tomllib.loads(files("outreach.data").joinpath("anchors.toml").read_text(encoding="utf-8"))
    return {section: {language: frozenset(fold(word) for word in words)
                      for language, words in table.items()}
            for section, table in raw.items()}


@cache
def all_generic_anchors() -> frozenset[str]:
    """Generic anchors of every language we ship, folded."""
    return frozenset().union(*_vocabulary()["generic"].values())


def stopwords(language: str) -> frozenset[str]:
    """Words ignored when comparing an anchor with keywords in `language`."""
    return _vocabulary()["stopwords"].get(language, frozenset())


class AnchorClassifier:
    """Classifies anchors for one campaign; built once, reused for every request."""

    def __init__(self, campaign: Campaign, near_match: int = 90) -> None:
        self._near = near_match
        self._brands = self._brand_terms(campaign)

    @staticmethod
    def _brand_terms(campaign: Campaign) -> dict[str, str]:
        """Folded brand names (longest first) → as written, plus the site's domain label."""
        label = split_host(host_of(campaign.campaign.site)).registered_domain.split(".")[0]
        terms = {fold(brand): brand for brand in (label, *campaign.campaign.brands) if fold(brand)}
        return dict(sorted(terms.items(), key=lambda item: -len(item[0])))

    def classify(self, anchor: str, page: TargetPage) -> AnchorVerdict:
        """The class of `anchor` pointing at `page`."""
        text = anchor.strip()
        folded = fold(text)
        if not folded:
            return AnchorVerdict(AnchorClass.OTHER, None, "empty anchor")
        if _URLISH.match(text):
            return AnchorVerdict(AnchorClass.NAKED_URL, None, "the anchor is a URL")
        brand = next((b for b in self._brands if _contains_words(folded, b)), None)
        if brand:
            return AnchorVerdict(AnchorClass.BRANDED, None, f"names the brand '{self._brands[brand]}'")
        if folded in all_generic_anchors():
            return AnchorVerdict(AnchorClass.GENERIC, None, "a generic call to action")
        return self._keyword_class(folded, page)

    def _keyword_class(self, folded: str, page: TargetPage) -> AnchorVerdict:
        """Exact, partial or other, against the page's keywords in every language it lists."""
        best: tuple[float, str] | None = None
        for language, keywords in page.keywords.items():
            for keyword in keywords:
                key = fold(keyword)
                score = fuzz.ratio(folded, key)
                if key == folded or score >= self._near:
                    return AnchorVerdict(AnchorClass.EXACT, keyword,
                                         f"matches the keyword '{keyword}' ({score:.0f}/100)")
                overlap = _content_overlap(folded, key, stopwords(language))
                if overlap >= 0.5 and (best is None or overlap > best[0]):
                    best = (overlap, keyword)
        if best:
            return AnchorVerdict(AnchorClass.PARTIAL, best[1],
                                 f"contains {best[0]:.0%} of the keyword '{best[1]}'")
        return AnchorVerdict(AnchorClass.OTHER, None, "no brand, URL, generic phrase or keyword")


def _contains_words(text: str, phrase: str) -> bool:
    """Whether folded `phrase` occurs in folded `text` as whole words."""
    return f" {phrase} " in f" {text} "


def _content_overlap(anchor: str, keyword: str, ignored: frozenset[str]) -> float:
    """Share of the keyword's content words found in the anchor (near-spellings count)."""
    wanted = [word for word in keyword.split() if word not in ignored] or keyword.split()
    present = anchor.split()
    hits = sum(1 for word in wanted if any(fuzz.ratio(word, have) >= 85 for have in present))
    return hits / len(wanted)
