"""Forms of address (tú/usted/vos, du/Sie, tu/vous, você) and the words that betray each one.

Each marker is a word that only fits some forms: `te` fits tú and vos, `podés` only vos,
`vuestro` only vosotros. A marker that fits none of the forms a locale.toml allows is a finding.
Ambiguous words (Spanish `su`, `puede`; German sentence-initial `Sie`) are left out on purpose:
a check that cries wolf gets ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

SINGULAR_FORMS: dict[str, tuple[str, ...]] = {
    "es": ("tú", "usted", "vos"),
    "de": ("du", "Sie"),
    "fr": ("tu", "vous"),
    "pt": ("você", "tu", "o senhor"),
    "en": ("you",),
}
"""Forms of address a locale.toml may set as `address`, per language."""

PLURAL_FORMS: dict[str, tuple[str, ...]] = {
    "es": ("ustedes", "vosotros"),
    "de": ("ihr", "Sie"),
    "fr": ("vous",),
    "pt": ("vocês", "vós"),
    "en": ("you",),
}
"""Forms a locale.toml may set as `plural_address` (writing to a whole newsroom), per language."""


@dataclass(frozen=True)
class Marker:
    """Words that fit only some forms of address."""

    pattern: re.Pattern[str]
    forms: frozenset[str]


@dataclass(frozen=True)
class AddressHit:
    """A word at `offset` in a text that fits none of the allowed forms."""

    offset: int
    word: str
    forms: frozenset[str]


def _words(words: str, *forms: str, case_sensitive: bool = False) -> Marker:
    """A marker matching any of the space-separated whole `words`."""
    flags = 0 if case_sensitive else re.IGNORECASE
    alternatives = "|".join(re.escape(word) for word in words.split())
    return Marker(re.compile(rf"(?<![\w'’])(?:{alternatives})(?![\w'’])", flags), frozenset(forms))


_SPANISH = (
    _words("tú ti", "tú"),
    _words("te tu tus contigo", "tú", "vos"),
    _words("puedes tienes quieres sabes eres necesitas buscas prefieres piensas dime escríbeme "
           "avísame cuéntame fíjate llámame mándame", "tú"),
    _words("vos podés tenés querés sabés sos necesitás buscás preferís pensás decime escribime "
           "avisame contame fijate llamame mandame", "vos"),
    _words("usted escríbame avíseme dígame cuénteme fíjese llámeme mándeme", "usted"),
    _words("ustedes", "ustedes"),
    _words("vosotros vosotras os vuestro vuestra vuestros vuestras podéis tenéis queréis sabéis "
           "sois estáis habéis necesitáis escribidme avisadme decidme contadme", "vosotros"),
)

_GERMAN = (
    _words("du dich dir dein deine deinen deinem deiner deines", "du"),
    _words("euch euer eure euren eurem eurer eures", "ihr"),
    _words("Ihnen", "Sie", case_sensitive=True),
    # Capitalised Sie/Ihr… after a lower-case word is the polite form, not "she" or "her".
    Marker(re.compile(r"(?<=[a-zäöüß,] )(?:Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b"),
           frozenset({"Sie"})),
)

_FRENCH = (
    _words("tu toi ta tes te", "tu"),
    Marker(re.compile(r"(?<![\w'’])t['’](?=\w)", re.IGNORECASE), frozenset({"tu"})),
    _words("vous votre vos", "vous"),
)

_PORTUGUESE = (
    _words("tu teu tua teus tuas contigo", "tu"),
    _words("vós vosso vossa vossos vossas", "vós"),
)

MARKERS: dict[str, tuple[Marker, ...]] = {
    "es": _SPANISH, "de": _GERMAN, "fr": _FRENCH, "pt": _PORTUGUESE, "en": (),
}


def form_problem(language: str, form: str, *, plural: bool = False) -> str | None:
    """Why `form` cannot be a locale's (plural) address in `language`, or None."""
    known = (PLURAL_FORMS if plural else SINGULAR_FORMS).get(language)
    if known is None or form in known:
        return None
    return f"'{form}' is not a form of address in '{language}'; use one of {', '.join(known)}"


def wrong_forms(text: str, language: str, allowed: set[str]) -> Iterator[AddressHit]:
    """Words in `text` that fit none of the `allowed` forms of address."""
    for marker in MARKERS.get(language, ()):
        if marker.forms & allowed:
            continue
        for match in marker.pattern.finditer(text):
            yield AddressHit(match.start(), match.group(0), marker.forms)
