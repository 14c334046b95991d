"""A fast public-suffix split for plain ASCII host names, from tldextract's own bundled rules.

tldextract parses URLs, decodes punycode and builds result tuples on every call; an import of a
million rows asks about hundreds of thousands of hosts. A plain lower-case host (letters, digits,
hyphens, dots, no punycode) needs none of that, so this walks the same ICANN rules directly.
Anything else returns None and the caller asks tldextract.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import tldextract

Node = dict[str, "Node"]
"""A trie node: child nodes by label (right to left); the key `_END` marks the end of a rule."""

_END = "."
"""A key no label can be (labels never contain a dot)."""
_PLAIN_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*", re.ASCII)


def build_trie(rules: Iterable[str]) -> Node:
    """A trie of suffix rules (`co.uk`, `*.ck`, `!www.ck`), labels from the right, as tldextract builds it."""
    root: Node = {}
    for rule in rules:
        node = root
        for label in reversed(rule.split(".")):
            node = node.setdefault(label, {})
        node[_END] = {}
    return root


@cache
def icann_trie() -> Node:
    """The ICANN section of tldextract's bundled public suffix list (no network, no private suffixes)."""
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    return build_trie(extractor._get_tld_extractor().tlds_excl_private)


def suffix_start(labels: list[str], root: Node) -> int:
    """Index of the first suffix label (len(labels) when none), by tldextract's own walk."""
    node = root
    suffix_at = at = len(labels)
    for label in reversed(labels):
        child = node.get(label)
        if child is not None:
            at -= 1
            node = child
            if _END in node:
                suffix_at = at
            continue
        if "*" in node:  # a wildcard rule takes this label too, unless an exception names it
            return at if f"!{label}" in node else at - 1
        break
    return suffix_at


def split_plain(host: str) -> tuple[str, str, str] | None:
    """(subdomain, registered domain, suffix) of a plain host; None when tldextract must decide.

    The host must already be normalised (lower case, no trailing dot, no port).
    """
    if not _PLAIN_HOST.fullmatch(host) or "xn--" in host:
        return None
    labels = host.split(".")
    start = suffix_start(labels, icann_trie())
    if start == len(labels):
        return None  # no known suffix: an IP address or an intranet name, tldextract's call
    suffix = ".".join(labels[start:])
    if start == 0:
        return "", host, suffix
    subdomain = ".".join(labels[:start - 1])
    return subdomain, f"{labels[start - 1]}.{suffix}", suffix
