"""Dedupe of a market's prospects: clusters to review, cross-market collisions, merges that keep history."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from outreach.core.comparisons import Compares, Comparison, Composite, as_strings, fold_value
from outreach.core.dedupe import Clustering, cluster
from outreach.core.hot_loops import gc_paused
from outreach.core.progress import Progress, step
from outreach.core.prospect_rows import FREE_MAIL, identity_of
from outreach.core.prospect_writes import PROSPECTS, core

LEGAL_SUFFIXES = re.compile(
    r"\b(?:s ?a ?de ?c ?v|s ?a ?p ?i|s ?a|s ?l ?u?|s ?r ?l|gmbh|ag|kg|ug|ltd|limited|plc|llc|inc|"
    r"corp|sas|sarl|ltda|eireli|me|co|com|online|digital)\b")
"""Company-form and web suffixes that outlet names carry in one list and not the other."""

_SPACES = re.compile(r"\s+")
DEDUPE_COLUMNS = ("id", "domain", "host", "outlet", "contact_name", "email")


@lru_cache(maxsize=1 << 16)
def outlet_key(name: str | None) -> str:
    """An outlet name without accents, punctuation or a company suffix (`Diario Sur S.A.` → `diario sur`)."""
    return _SPACES.sub(" ", LEGAL_SUFFIXES.sub(" ", fold_value(name))).strip()


def domain_stem(domain: str) -> str:
    """A registered domain's own label, without the public suffix (`diario.com.mx` → `diario`)."""
    return domain.split(".", 1)[0]


# Site level from (domain level, outlet level); levels: 0 missing, 1 exact, 2 close, 3 similar, 4 different.
_SITE = np.array([
    [0, 0, 0, 0, 0],
    [1, 1, 1, 2, 2],
    [4, 3, 3, 4, 4],
    [4, 3, 3, 4, 4],
    [6, 5, 5, 6, 6],
], dtype=np.uint8)
SITE_LEVELS = ("missing", "same domain", "same domain, other outlet name", "similar domain and outlet",
               "similar domain", "same outlet name, other domain", "different site")

# Person level from (contact level, email level); level 5 of each part: a value on one side only.
_PERSON = np.array([
    [0, 1, 3, 3, 4, 5],
    [2, 1, 2, 2, 2, 2],
    [2, 1, 2, 2, 2, 2],
    [3, 1, 3, 3, 3, 3],
    [4, 1, 3, 3, 4, 4],
    [5, 1, 3, 3, 4, 5],
], dtype=np.uint8)
PERSON_LEVELS = ("no contact on either side", "same email", "same name", "similar name or email",
                 "different contact", "contact on one side only")


def prospect_comparisons(domains: Sequence[str | None], outlets: Sequence[str | None],
                         contacts: Sequence[str | None], emails: Sequence[str | None]) -> list[Compares]:
    """The site (domain with outlet name) and the person (contact name with email), each compared as one."""
    clean_domains = [(domain or "").lower().removeprefix("www.") for domain in domains]
    lowered = [(email or "").lower() for email in emails]
    domain = Comparison("domain", as_strings(clean_domains, fold=False), similarity="ratio",
                        thresholds=(0.9, 0.8), keys=("variant", "variant-ends"),
                        variant=as_strings([domain_stem(d) for d in clean_domains], False))
    outlet = Comparison("outlet", as_strings([outlet_key(name) for name in outlets], False),
                        similarity="token-sort", thresholds=(0.9, 0.75), keys=("value",))
    contact = Comparison("contact", as_strings(contacts), similarity="token-sort", thresholds=(0.9, 0.75),
                         one_sided=True, keys=("tokens", "token-prefixes"))
    email = Comparison("email", as_strings(lowered, fold=False), similarity="ratio", thresholds=(0.95, 0.9),
                       keys=("value", "variant"), fuzzy_on_variant=True,
                       variant=as_strings([mail.partition("@")[0] for mail in lowered], False),
                       scope=as_strings([mail.partition("@")[2] for mail in lowered], False),
                       neutral_scopes=FREE_MAIL)
    return [Composite("site", (domain, outlet), _SITE, SITE_LEVELS), contact, email]


def cluster_rows(rows: Sequence[dict[str, Any]], threshold: float | None = None) -> Clustering:
    """Cluster prospect rows (dicts with domain, outlet, contact_name, email).

    Rows with the same identity are one prospect by definition (import merges them), so they are
    linked whatever the scores say.
    """
    domains, outlets, contacts, emails = ([row[name] for row in rows]
                                          for name in ("domain", "outlet", "contact_name", "email"))
    return cluster_columns(domains, outlets, contacts, emails, threshold)


def cluster_columns(domains: Sequence[str | None], outlets: Sequence[str | None],
                    contacts: Sequence[str | None], emails: Sequence[str | None],
                    threshold: float | None = None) -> Clustering:
    """`cluster_rows` for data already held column by column (a million dicts cost a gigabyte)."""
    with gc_paused():
        return _cluster_columns(domains, outlets, contacts, emails, threshold)


def _cluster_columns(domains: Sequence[str | None], outlets: Sequence[str | None],
                     contacts: Sequence[str | None], emails: Sequence[str | None],
                     threshold: float | None) -> Clustering:
    """`cluster_columns` itself."""
    identities = [identity_of((domain or "").lower(), email, contact)
                  for domain, email, contact in zip(domains, emails, contacts, strict=True)]
    return cluster(prospect_comparisons(domains, outlets, contacts, emails), threshold=threshold,
                   same=identities)


def market_rows(session: Session, campaign_id: int, market: str) -> list[dict[str, Any]]:
    """The fields dedupe compares, for every prospect of a market, in id order."""
    where = (PROSPECTS.c.campaign_id == campaign_id) & (PROSPECTS.c.market == market)
    columns = [PROSPECTS.c[name] for name in (*DEDUPE_COLUMNS, "dedupe_cluster")]
    result = core(session).execute(select(*columns).where(where).order_by(PROSPECTS.c.id))
    return [dict(row._mapping) for row in result]


def cluster_ids(rows: Sequence[dict[str, Any]], clustering: Clustering) -> list[int | None]:
    """Each row's cluster as stored: the smallest prospect id in it, None when alone."""
    labels = clustering.labels
    sizes = np.bincount(labels, minlength=len(rows))
    return [int(rows[label]["id"]) if sizes[label] > 1 else None for label in labels.tolist()]


def refresh_clusters(session: Session, campaign_id: int, market: str, threshold: float | None = None) -> int:
    """Recompute a market's fuzzy clusters and store them; return how many there are."""
    rows = market_rows(session, campaign_id, market)
    if len(rows) < 2:
        ids: list[int | None] = [None] * len(rows)
    else:
        ids = cluster_ids(rows, cluster_rows(rows, threshold))
    changed = [{"_id": row["id"], "cluster": new} for row, new in zip(rows, ids, strict=True)
               if row["dedupe_cluster"] != new]
    if changed:
        statement = (update(PROSPECTS).where(PROSPECTS.c.id == bindparam("_id"))
                     .values(dedupe_cluster=bindparam("cluster")))
        core(session).execute(statement, changed)
    return len({cid for cid in ids if cid is not None})


@dataclass
class DuplicateCluster:
    """Prospects that look like one, with the weakest link's probability and the fields that agreed."""

    id: int
    members: list[dict[str, Any]]
    score: float
    """The lowest match probability among the pairs that joined the cluster."""
    matched_fields: list[str]


@dataclass
class Collision:
    """A domain that is a prospect in more than one market of the campaign."""

    domain: str
    markets: dict[str, int]
    """Market tag → prospects with this domain there."""


@dataclass
class DedupeView:
    """Everything `outreach dedupe` shows for one market."""

    clusters: list[DuplicateCluster]
    threshold: float
    threshold_learnt: bool
    prospects: int
    collisions: list[Collision] = field(default_factory=list)


def find_duplicates(session: Session, campaign_id: int, market: str,
                    threshold: float | None = None, *, progress: Progress | None = None) -> DedupeView:
    """Refresh and describe a market's clusters, plus its cross-market collisions.

    `progress` hears each phase; when it answers False, Cancelled is raised before anything is stored.
    """
    step(progress, "reading", 0, 4)
    rows = market_rows(session, campaign_id, market)
    collisions = cross_market_collisions(session, campaign_id, market)
    if len(rows) < 2:
        return DedupeView([], threshold or 0.5, threshold is None, len(rows), collisions)
    step(progress, "clustering", 1, 4)
    clustering = cluster_rows(rows, threshold)
    ids = cluster_ids(rows, clustering)
    step(progress, "storing", 2, 4)
    refresh_clusters(session, campaign_id, market, clustering.threshold)
    step(progress, "describing", 3, 4)
    return DedupeView(_describe(rows, ids, clustering), clustering.threshold,
                      clustering.threshold_learnt, len(rows), collisions)


def _describe(rows: Sequence[dict[str, Any]], ids: Sequence[int | None],
              clustering: Clustering) -> list[DuplicateCluster]:
    """Group rows by cluster and summarise each cluster's pairs."""
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row, cid in zip(rows, ids, strict=True):
        if cid is not None:
            members[cid].append(row)
    scores: dict[int, list[float]] = defaultdict(list)
    fields: dict[int, set[str]] = defaultdict(set)
    for pair, left in enumerate(clustering.left.tolist()):
        cid = ids[left]
        if cid is not None:
            scores[cid].append(float(clustering.probability[pair]))
            fields[cid].update(clustering.matched_fields(pair))
    return [DuplicateCluster(cid, group, round(min(scores[cid], default=1.0), 4), sorted(fields[cid]))
            for cid, group in sorted(members.items())]


def cross_market_collisions(session: Session, campaign_id: int, market: str) -> list[Collision]:
    """Domains of this market that other markets of the campaign also have as prospects."""
    mine = select(PROSPECTS.c.domain).where(PROSPECTS.c.campaign_id == campaign_id,
                                            PROSPECTS.c.market == market)
    query = (select(PROSPECTS.c.domain, PROSPECTS.c.market, func.count())
             .where(PROSPECTS.c.campaign_id == campaign_id, PROSPECTS.c.domain.in_(mine))
             .group_by(PROSPECTS.c.domain, PROSPECTS.c.market).order_by(PROSPECTS.c.domain))
    by_domain: dict[str, dict[str, int]] = defaultdict(dict)
    for domain, tag, count in core(session).execute(query):
        by_domain[domain][tag] = int(count)
    return [Collision(domain, markets) for domain, markets in by_domain.items() if len(markets) > 1]
