"""What a fetched source page says about one link: present or not, its anchor and rel, noindex, canonical."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

_SPACES = re.compile(r"\s+")
_NOT_FOLLOWED = ("sponsored", "ugc", "nofollow")
"""rel values that stop a link passing authority, in the order the placement's `rel` names them."""


@dataclass(frozen=True)
class PageFacts:
    """The facts a link check records about one page and the link to the target on it."""

    link_found: bool
    anchor: str | None
    rel: str
    """The link's rel attribute, lower-cased ('' when absent or no link)."""
    noindex: bool
    canonical: str | None
    """The canonical URL when it points to another page."""

    @property
    def rel_kind(self) -> str:
        """follow, sponsored, ugc or nofollow, as a placement records it."""
        words = self.rel.split()
        return next((kind for kind in _NOT_FOLLOWED if kind in words), "follow")


def url_key(url: str) -> str:
    """A URL as links are compared: host without www, path without trailing slash, no query or fragment."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/') or ''}"


def _href_hint(target_url: str) -> str:
    """Text every href pointing at the target contains: its path, or its host for a home page."""
    parts = urlsplit(target_url.strip())
    path = parts.path.rstrip("/")
    return (path or (parts.hostname or "").removeprefix("www.")).lower()


def _clean(text: str) -> str:
    """Whitespace collapsed."""
    return _SPACES.sub(" ", text).strip()


def _anchor_of(node: LexborNode) -> str:
    """A link's visible text, or its image's alt text when it has none."""
    text = _clean(node.text(deep=True, separator=" "))
    if text:
        return text
    image = node.css_first("img[alt]")
    return _clean(image.attributes.get("alt") or "") if image is not None else ""


def _noindex(tree: LexborHTMLParser, robots_header: str) -> bool:
    """Whether a robots meta tag (or X-Robots-Tag header) says noindex."""
    if "noindex" in robots_header.lower() or "none" in robots_header.lower().split(","):
        return True
    for meta in tree.css("meta[name]"):
        name = (meta.attributes.get("name") or "").strip().lower()
        content = (meta.attributes.get("content") or "").lower()
        if name in ("robots", "googlebot") and ("noindex" in content or content.strip() == "none"):
            return True
    return False


def _canonical_elsewhere(tree: LexborHTMLParser, page_url: str) -> str | None:
    """The canonical URL, when the page declares one that is not itself."""
    for link in tree.css("link[href]"):
        if "canonical" in (link.attributes.get("rel") or "").lower().split():
            target = urljoin(page_url, (link.attributes.get("href") or "").strip())
            return target if url_key(target) != url_key(page_url) else None
    return None


def read_page(html: str, page_url: str, target_url: str, robots_header: str = "") -> PageFacts:
    """Find the link to `target_url` on a page fetched from `page_url` (a followed link wins)."""
    tree = LexborHTMLParser(html)
    wanted = url_key(target_url)
    hint = _href_hint(target_url)
    found: list[tuple[str, str]] = []
    for node in tree.css("a[href]"):
        raw = (node.attributes.get("href") or "").strip()
        if hint not in raw.lower():
            continue  # resolving every href costs more than the rest of the parse
        href = urljoin(page_url, raw)
        if url_key(href) == wanted:
            found.append((_anchor_of(node), _clean(node.attributes.get("rel") or "").lower()))
    found.sort(key=lambda link: any(kind in link[1].split() for kind in _NOT_FOLLOWED))
    anchor, rel = found[0] if found else (None, "")
    return PageFacts(bool(found), anchor, rel, _noindex(tree, robots_header),
                     _canonical_elsewhere(tree, page_url))
