"""Hosts, registered domains and the country or language a URL's subdomain or path suggests."""

from __future__ import annotations

import pytest

from outreach.core.geo import Hint, host_of, normalise_host, split_host, url_hint

LANGUAGES = frozenset({"es", "de", "en", "fr", "pt"})


@pytest.mark.parametrize(("host", "normalised"), [
    ("Diario.COM.mx", "diario.com.mx"), ("diario.mx.", "diario.mx"), ("diario.mx:8080", "diario.mx"),
    (" bücher.de ", "xn--bcher-kva.de"), ("", ""),
])
def test_hosts_are_normalised(host: str, normalised: str) -> None:
    assert normalise_host(host) == normalised


@pytest.mark.parametrize(("url", "host"), [
    ("https://www.diario.mx/x", "www.diario.mx"), ("http://DIARIO.mx", "diario.mx"), ("diario.mx/x", ""),
    ("mailto:ana@diario.mx", ""),
])
def test_host_of_urls(url: str, host: str) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(("host", "subdomain", "registered", "suffix"), [
    ("www.diario.com.mx", "www", "diario.com.mx", "com.mx"),
    ("qux.gob.mx", "", "qux.gob.mx", "gob.mx"),
    ("a.b.bbc.co.uk", "a.b", "bbc.co.uk", "co.uk"),
    ("site.com.ar", "", "site.com.ar", "com.ar"),
    ("localhost", "", "localhost", ""),
])
def test_hosts_split_at_the_public_suffix(host: str, subdomain: str, registered: str, suffix: str) -> None:
    parts = split_host(host)
    assert (parts.subdomain, parts.registered_domain, parts.suffix) == (subdomain, registered, suffix)


@pytest.mark.parametrize(("host", "path", "hint"), [
    pytest.param("es.site.com", "/", Hint(language="es"), id="language-subdomain"),
    pytest.param("mx.site.com", "/", Hint(country="MX"), id="country-subdomain"),
    pytest.param("www.site.com", "/mx/", Hint(country="MX"), id="country-path"),
    pytest.param("site.com", "/es/", Hint(language="es"), id="language-path"),
    pytest.param("site.com", "/es-mx/", Hint("MX", "es"), id="locale-path"),
    pytest.param("site.com", "/pt_BR/x", Hint("BR", "pt"), id="underscore-locale"),
    pytest.param("site.com", "/en-uk/", Hint("GB", "en"), id="uk-in-locale"),
    pytest.param("uk.site.com", "/", Hint(country="GB"), id="uk-subdomain"),
    pytest.param("site.com", "/ar/", Hint(country="AR"), id="argentina-not-arabic"),
    pytest.param("site.com", "/it/", Hint(country="IT"), id="other-language-code-is-country"),
    pytest.param("blog.site.com", "/de/", Hint(language="de"), id="path-after-plain-subdomain"),
    pytest.param("site.com", "/blog/mx/", Hint(), id="only-first-segment"),
    pytest.param("site.com", "/xx/", Hint(), id="not-a-code"),
    pytest.param("site.com", "", Hint(), id="no-path"),
    pytest.param("", "/mx/", Hint(country="MX"), id="path-only"),
])
def test_url_hints(host: str, path: str, hint: Hint) -> None:
    assert url_hint(host, path, LANGUAGES) == hint
