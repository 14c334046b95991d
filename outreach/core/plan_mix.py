"""Competitors' local/global mix next to ours per URL version, and the mix rule it suggests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from sqlmodel import Session, col, select

from outreach.core.campaign import Campaign, MixRule
from outreach.core.models import CompetitorSource, Placement
from outreach.core.tally import page_profiles

LOCAL_FIRST_FROM = 0.6
"""A competitor local share at or above which pages should be local-first (seed 001: 60% local)."""
GLOBAL_FIRST_TO = 0.4
"""A share at or below which pages can be global-first."""
FRACTION_WORDS = {
    Fraction(1, 4): "one quarter", Fraction(1, 3): "one third", Fraction(2, 5): "two fifths",
    Fraction(1, 2): "one half", Fraction(3, 5): "three fifths", Fraction(2, 3): "two thirds",
    Fraction(3, 4): "three quarters", Fraction(4, 5): "four fifths", Fraction(1, 1): "all",
    Fraction(0, 1): "none", Fraction(1, 5): "one fifth",
}


@dataclass
class Mix:
    """Linking domains (or links) by locality, language and source type."""

    localities: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)

    @property
    def known(self) -> int:
        """Links whose locality is known (local or global)."""
        return self.localities["local"] + self.localities["global"]

    @property
    def local_share(self) -> float | None:
        """Local share of the links with a known locality; None when there are none."""
        return self.localities["local"] / self.known if self.known else None


@dataclass(frozen=True)
class MixAdvice:
    """For one URL version: our mix, the competitors' and the rule and ratio they suggest."""

    page: str
    mix: MixRule
    ours: Mix
    competitors: dict[str, Mix]
    share: float | None
    """The competitors' mean local share (each competitor counts once)."""
    rule: MixRule | None
    ratio: Fraction | None

    @property
    def words(self) -> str:
        """The suggestion as people say it: 'two thirds local, one third global'."""
        if self.ratio is None:
            return "no competitor data with a known locality"
        return f"{FRACTION_WORDS[self.ratio]} local, {FRACTION_WORDS[1 - self.ratio]} global"


def mix_of(rows: Iterable[CompetitorSource]) -> Mix:
    """Tally competitor sources."""
    mix = Mix()
    for row in rows:
        mix.localities[row.locality] += 1
        mix.languages[row.language or "unknown"] += 1
        mix.types[row.source_type or "unknown"] += 1
    return mix


def competitor_mixes(session: Session, campaign_id: int, market: str) -> dict[str, Mix]:
    """Each competitor's mix in a market."""
    query = select(CompetitorSource).where(CompetitorSource.campaign_id == campaign_id,
                                           CompetitorSource.market == market)
    grouped: dict[str, list[CompetitorSource]] = {}
    for row in session.exec(query):
        grouped.setdefault(row.competitor, []).append(row)
    return {name: mix_of(rows) for name, rows in sorted(grouped.items())}


def nearest_ratio(share: float) -> Fraction:
    """The simple fraction people plan with that is closest to a share."""
    return min(FRACTION_WORDS, key=lambda ratio: (abs(float(ratio) - share), ratio.denominator))


def suggested_rule(share: float) -> MixRule:
    """local-first from 60% local, global-first up to 40%, balanced in between."""
    if share >= LOCAL_FIRST_FROM:
        return "local-first"
    return "global-first" if share <= GLOBAL_FIRST_TO else "balanced"


def mean_share(mixes: Sequence[Mix]) -> float | None:
    """Competitors' mean local share; each competitor with known localities counts once."""
    shares = [mix.local_share for mix in mixes if mix.local_share is not None]
    return sum(shares) / len(shares) if shares else None


def advise(session: Session, campaign: Campaign, campaign_id: int, market: str) -> list[MixAdvice]:
    """Our mix per URL version of a market next to its competitors', with a suggested rule."""
    tag = campaign.market(market).tag
    pages = campaign.market(tag).pages
    competitors = competitor_mixes(session, campaign_id, tag)
    share = mean_share(list(competitors.values()))
    profiles = page_profiles(session, campaign_id, [page.url for page in pages], markets=[tag])
    advice = []
    for page in pages:
        ours = Mix(localities=Counter(profiles[page.url].localities) if page.url in profiles else Counter())
        advice.append(MixAdvice(page.url, page.mix, ours, competitors, share,
                                None if share is None else suggested_rule(share),
                                None if share is None else nearest_ratio(share)))
    return advice


@dataclass(frozen=True)
class GapDomain:
    """A domain linking to several competitors and not to us."""

    domain: str
    competitors: tuple[str, ...]
    locality: str


def gap_domains(session: Session, campaign_id: int, market: str, at_least: int = 2) -> list[GapDomain]:
    """Domains that link to `at_least` competitors in a market but to none of our pages."""
    ours = set(session.exec(select(Placement.source_domain).where(
        Placement.campaign_id == campaign_id, col(Placement.status) != "lost")))
    linking: dict[str, list[CompetitorSource]] = {}
    for row in session.exec(select(CompetitorSource).where(CompetitorSource.campaign_id == campaign_id,
                                                           CompetitorSource.market == market)):
        linking.setdefault(row.domain, []).append(row)
    found = [GapDomain(domain, tuple(sorted({row.competitor for row in rows})), rows[0].locality)
             for domain, rows in linking.items() if domain not in ours]
    return sorted((gap for gap in found if len(gap.competitors) >= at_least),
                  key=lambda gap: (-len(gap.competitors), gap.locality != "local", gap.domain))
