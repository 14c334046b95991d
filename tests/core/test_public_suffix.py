"""The fast public-suffix split gives tldextract's answer for every rule of the bundled list."""

from __future__ import annotations

import random

import pytest

from outreach.core import geo
from outreach.core.public_suffix import build_trie, icann_trie, split_plain, suffix_start


def _tldextract_split(host: str) -> geo.HostParts:
    """The slow path exactly as geo.split_host takes it when the fast one declines."""
    parts = geo._extractor()(host)
    registered = f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else ""
    return geo.HostParts(parts.subdomain, registered or host, parts.suffix)


def _rules() -> list[str]:
    """Every ICANN rule of the bundled list, as tldextract holds them."""
    return sorted(geo._extractor()._get_tld_extractor().tlds_excl_private)


def _hosts_around(rule: str) -> list[str]:
    """Hosts that exercise a rule: the suffix alone, under a name, under subdomains, and wildcards filled."""
    bare = rule.lstrip("!").replace("*", "wild")
    return [bare, f"site.{bare}", f"www.site.{bare}", f"a.b-c.site.{bare}", bare.split(".", 1)[-1]]


def test_every_rule_of_the_bundled_list_splits_as_tldextract_does() -> None:
    checked = 0
    for rule in _rules():
        for host in _hosts_around(rule):
            fast = split_plain(host)
            if fast is not None:
                assert geo.HostParts(*fast) == _tldextract_split(host), host
                checked += 1
    assert checked > 20_000  # the fast path covers nearly all of them (punycode rules fall back)


def test_random_hosts_split_as_tldextract_does() -> None:
    rng = random.Random(3)
    labels = ["www", "es", "blog", "co", "com", "uk", "mx", "jp", "kawasaki", "city", "ck", "k12", "ma",
              "us", "pvt", "de", "nom", "br", "x1", "a-b", "gov", "ac", "net"]
    for _ in range(20_000):
        host = ".".join(rng.choice(labels) for _ in range(rng.randint(1, 5)))
        fast = split_plain(host)
        if fast is not None:
            assert geo.HostParts(*fast) == _tldextract_split(host), host


@pytest.mark.parametrize("host", ["xn--80ak6aa92e.com", "diario.xn--p1ai", "192.168.0.1", "intranet",
                                  "Upper.Case.com", "a..com", "host:8080", "user@site.com", "ñandú.com"])
def test_anything_unusual_is_left_to_tldextract(host: str) -> None:
    assert split_plain(host) is None


@pytest.mark.parametrize(("rules", "labels", "start"), [
    (["com"], ["site", "com"], 1),
    (["uk", "co.uk"], ["www", "bbc", "co", "uk"], 2),
    (["*.ck", "!www.ck"], ["a", "shop", "ck"], 1),
    (["*.ck", "!www.ck"], ["a", "www", "ck"], 2),
    (["com"], ["site", "org"], 2),
])
def test_the_walk_follows_wildcards_and_exceptions(rules: list[str], labels: list[str], start: int) -> None:
    assert suffix_start(labels, build_trie(rules)) == start


def test_the_trie_is_built_once() -> None:
    assert icann_trie() is icann_trie()
