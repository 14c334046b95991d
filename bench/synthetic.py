"""Labelled synthetic prospect lists with the noise real exports have, for dedupe and import benchmarks.

Every row has an `entity` label: rows with the same label are the same prospect (an outlet and,
optionally, one contact there). Noise: typos, dropped or added accents, www/http/path variants,
subdomains, swapped name order, free-mail instead of work email, outlet names with and without a
company suffix. Hard negatives come for free: several contacts per outlet, namesakes at other
outlets, outlets with similar names in other countries, and outlet-only rows beside contact rows.

    python bench/synthetic.py 100000 out.csv
"""

from __future__ import annotations

import csv
import random
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

MARKETS = {
    "es-MX": ("com.mx", "mx"), "es-ES": ("es", "com.es"), "es-AR": ("com.ar",), "de-DE": ("de",),
    "en-GB": ("co.uk", "uk"), "fr-FR": ("fr",), "pt-BR": ("com.br",),
}
FIRST = ["Ana", "Lucía", "María", "José", "Juan", "Carlos", "Sofía", "Valentina", "Diego", "Javier",
         "Andrés", "Camila", "Martín", "Paula", "Hans", "Jürgen", "Anna", "Lena", "Felix", "Jonas",
         "Sarah", "James", "Oliver", "Emily", "Hannah", "Chloé", "Léa", "Hélène", "Thomas", "Julien",
         "João", "Luíza", "Gabriel", "Beatriz", "Rafael", "Inês", "Tomás", "Renée", "Zoë", "Óscar",
         "Ramón", "Noémie", "Björn", "Agustín", "Florencia", "Ximena", "Rodrigo", "Fernanda"]
LAST = ["García", "Martínez", "López", "Hernández", "González", "Pérez", "Sánchez", "Ramírez",
        "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Müller", "Schmidt", "Schneider", "Fischer",
        "Weber", "Becker", "Smith", "Jones", "Taylor", "Brown", "Williams", "Dubois", "Lefèvre",
        "Moreau", "Girard", "Silva", "Santos", "Oliveira", "Souza", "Araújo", "Núñez", "Ibáñez",
        "Castaño", "Peña", "Muñoz", "Álvarez", "Jiménez", "Köhler", "Wagner", "Fernández", "Ruiz",
        "Ortega", "Delgado", "Vargas", "Romero", "Navarro", "Domínguez", "Gil", "Vázquez"]
WORDS = ["diario", "noticias", "economía", "finanzas", "pyme", "empresa", "negocios", "mercado",
         "capital", "digital", "contable", "fiscal", "nómina", "gestión", "emprende", "comercio",
         "wirtschaft", "mittelstand", "handel", "steuer", "lohn", "büro", "gründer", "markt",
         "business", "finance", "payroll", "startup", "ledger", "money", "trade", "office", "affaires",
         "entreprise", "compta", "gestion", "négoce", "negócios", "empresa", "contábil", "folha",
         "mercado", "tributo", "nordeste", "sur", "norte", "centro", "oeste", "este", "valle", "costa",
         "sierra", "bahía", "puerto", "rio", "monte", "ciudad", "región", "global", "pro", "hoy", "news"]
PREFIXES = ["", "el", "la", "mi", "tu", "die", "der", "the", "le", "o", "revista", "portal", "blog"]
SUFFIXES = ["S.A. de C.V.", "S.L.", "GmbH", "Ltd", "SAS", "Ltda.", "Online", "Digital", "S.A."]
SUBDOMAINS = ["blog", "noticias", "news", "es", "mx", "m", "amp", "economia"]
FREE_MAIL = ["gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "gmx.de", "icloud.com"]
HEADER = ["id", "entity", "domain", "outlet", "contact_name", "email", "market", "source_type", "dr"]


def strip_accents(text: str) -> str:
    """The text without diacritics, as some tools export it."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a dropped, doubled, swapped or replaced letter (never the first)."""
    if len(text) < 4:
        return text
    at = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:at] + text[at + 1:]
    if kind == 1:
        return text[:at] + text[at] + text[at:]
    if kind == 2:
        return text[:at] + text[at + 1] + text[at] + text[at + 2:]
    return text[:at] + rng.choice("aeiourstnl") + text[at + 1:]


SYLLABLES = ["ta", "ri", "co", "mal", "ven", "qui", "lo", "ber", "sa", "ton", "del", "mi", "ra",
             "gal", "zur", "fel", "nor", "pa", "len", "cas", "tor", "vi", "bel", "ma", "ro", "hel",
             "dor", "sil", "mon", "ka", "lin", "te", "ga", "bri", "sol", "nu", "pe", "ar", "lu", "xa"]


def pseudo_word(rng: random.Random) -> str:
    """A made-up place-like word (`Malventa`), so outlet names are as varied as real ones."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 3, 3, 4]))).capitalize()


class Generator:
    """Makes outlets, then prospects (outlet + contact or none), then noisy duplicate rows."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.used_domains: set[str] = set()

    def outlet(self) -> dict[str, str]:
        """A fictional outlet with a unique domain in one market."""
        rng = self.rng
        market = rng.choice(list(MARKETS))
        while True:
            words = [rng.choice(PREFIXES), rng.choice(WORDS), pseudo_word(rng)]
            rng.shuffle(words)
            words = [word for word in words if word]
            label = strip_accents("".join(words)).lower()
            if rng.random() < 0.3:
                label += str(rng.randrange(2, 99))
            suffix = rng.choice(MARKETS[market]) if rng.random() < 0.75 else "com"
            domain = f"{label}.{suffix}"
            if domain not in self.used_domains:
                self.used_domains.add(domain)
                break
        name = " ".join(word.capitalize() for word in words)
        return {"domain": domain, "outlet": name, "market": market,
                "source_type": rng.choice(["press", "trade", "blogger", "directory", "association"]),
                "dr": str(rng.randrange(5, 90))}

    def person(self, outlet: dict[str, str]) -> dict[str, str]:
        """A fictional contact at an outlet, with a work address."""
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}", f"{last}.{first[0]}"])
        return {"contact_name": f"{first} {last}",
                "email": f"{strip_accents(local).lower()}@{outlet['domain']}"}

    def entities(self, count: int) -> Iterator[dict[str, str]]:
        """Clean prospects: most outlets have one to three contacts, a few only their domain."""
        made = 0
        while made < count:
            outlet = self.outlet()
            people = self.rng.choices([0, 1, 2, 3], weights=[15, 55, 20, 10])[0]
            staff = {person["email"]: person for person in (self.person(outlet) for _ in range(people))}
            for record in ([{**outlet, "contact_name": "", "email": ""}] if people == 0 else
                           [{**outlet, **person} for person in staff.values()]):
                made += 1
                yield record

    def noisy(self, record: dict[str, str]) -> dict[str, str]:
        """A duplicate row of a prospect with one to three kinds of noise."""
        row = dict(record)
        changes = self._changes(row)
        picked = sorted(self.rng.sample(range(len(changes)), k=self.rng.choice([1, 1, 2, 2, 3])))
        for index in reversed(picked):  # domain typos and subdomains before the URL dressing
            changes[index](row)
        return row

    def _changes(self, row: dict[str, str]) -> list:
        """The noise that applies to this row."""
        rng = self.rng
        changes = [
            lambda r: r.update(domain=rng.choice(["www.", "http://", "https://www."]) + r["domain"]
                               + rng.choice(["", "/", "/contacto/", "/about"])),
            lambda r: r.update(domain=f"{rng.choice(SUBDOMAINS)}.{r['domain']}"),
            lambda r: r.update(outlet=f"{r['outlet']} {rng.choice(SUFFIXES)}"),
            lambda r: r.update(outlet=strip_accents(r["outlet"]).upper() if rng.random() < 0.3
                               else typo(rng, r["outlet"])),
        ]
        if rng.random() < 0.3:
            changes.append(lambda r: r.update(domain=typo(rng, r["domain"])))
        if row["contact_name"]:
            changes += [
                lambda r: r.update(contact_name=" ".join(reversed(r["contact_name"].split()))
                                   if rng.random() < 0.5
                                   else ", ".join(reversed(r["contact_name"].split(" ", 1)))),
                lambda r: r.update(contact_name=typo(rng, r["contact_name"])),
                lambda r: r.update(contact_name=strip_accents(r["contact_name"])),
                lambda r: r.update(email=self._free_mail(r["contact_name"])),
                lambda r: r.update(email=""),
            ]
        return changes

    def _free_mail(self, name: str) -> str:
        """The contact's private address at a free-mail provider."""
        first, _, last = strip_accents(name).lower().partition(" ")
        return f"{first}.{last.replace(' ', '')}{self.rng.randrange(1, 99)}@{self.rng.choice(FREE_MAIL)}"

    def rows(self, size: int) -> Iterator[dict[str, str]]:
        """`size` rows: about a third are duplicates of another row's prospect."""
        written = 0
        for entity, record in enumerate(self.entities(size)):
            copies = self.rng.choices([0, 1, 2, 3], weights=[70, 20, 7, 3])[0]
            for copy in range(1 + copies):
                if written == size:
                    return
                row = record if copy == 0 else self.noisy(record)
                yield {"id": str(written + 1), "entity": str(entity), **row}
                written += 1


def write(size: int, path: Path, seed: int = 7) -> Path:
    """Write a labelled list of `size` rows."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(Generator(seed).rows(size))
    return path


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
