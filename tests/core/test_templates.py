"""Rendering: the context, Babel filters, the sandbox, strict undefined names and header-safe subjects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from outreach.core.locale_folders import TemplateSource
from outreach.core.template_context import CONTEXT_NAMES, SenderView, sample_prospect
from outreach.core.templates import Renderer, checked_subject
from outreach.errors import NotFoundError, TemplateError, UnsafeHeaderError
from tests.core.workspaces import mx_workspace, prospect, renderer_for

NBSP = "\u00a0"


def render_text(tmp_path: Path, text: str, tag: str = "es-MX", **prospect_fields: object) -> str:
    """`text` rendered as es-MX's pitch for a typical prospect."""
    renderer = renderer_for(mx_workspace(tmp_path / "ws", pitch=text))
    context = renderer.context(tag, prospect(tag, **prospect_fields))
    return renderer.render_template(tag, "pitch", context)[1]


def render_error(tmp_path: Path, text: str, **prospect_fields: object) -> TemplateError:
    """The TemplateError rendering `text` raises."""
    with pytest.raises(TemplateError) as caught:
        render_text(tmp_path, text, **prospect_fields)
    return caught.value


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("{{ prospect.name }}|{{ prospect.outlet }}|{{ prospect.domain }}",
                 "El Diario|El Diario|diario.mx", id="prospect"),
    pytest.param("{{ contact.name }} <{{ contact.email }}> {{ contact.first_name }}",
                 "Ana Pérez <ana@diario.mx> Ana", id="contact"),
    pytest.param("{{ page.url }} {{ page.cluster }} {{ page.keywords | join(', ') }}",
                 "https://www.site.com/mx/nomina/ payroll software de nómina", id="page"),
    pytest.param("{{ anchor }} {{ brand }}", "Site Site", id="the anchor defaults to the first brand"),
    pytest.param("{{ market.tag }} {{ market.country_name }} {{ market.language_name }}",
                 "es-MX México español", id="market named in its own language"),
    pytest.param("{{ sender.name }}, {{ sender.company }}", "Lucía Romero, Site México", id="sender"),
    pytest.param("{{ locale.address }}/{{ locale.plural_address }} {{ locale.sign_off }}",
                 "usted/ustedes Saludos cordiales,", id="locale"),
    pytest.param("{{ hooks.pymes }} {{ hooks.salario }}", "68.4% $1,234.50", id="hooks print formatted"),
    pytest.param("{{ hooks.pymes.source }} {{ hooks.pymes.as_of | date('month') }}", "INEGI julio de 2026",
                 id="hook source and date"),
    pytest.param("{{ hooks.salario | currency(whole=true) }} {{ 1234.5 | currency('EUR') }}",
                 "$1,234 EUR1,234.50", id="currency"),
    pytest.param("{{ hooks.pymes | percent }} {{ 12.5 | percent }} {{ 1234567 | number }}",
                 "68.4% 12.5% 1,234,567", id="percent and number"),
    pytest.param("{{ 'ES' | territory }} {{ 'pt' | language }}", "España portugués", id="names"),
    pytest.param("{{ 1000000 | plural(one='{n} empresa', many='{n} de empresas', other='{n} empresas') }}",
                 "1,000,000 de empresas", id="plural"),
    pytest.param("{% if contact.first_name %}Hola, {{ contact.first_name }}{% else %}Hola{% endif %}",
                 "Hola, Ana", id="guarded name"),
    pytest.param("{{ hooks | length }} {{ hooks.items() | list | length }}", "2 2", id="hooks is a mapping"),
])
def test_context_and_filters(tmp_path: Path, text: str, expected: str) -> None:
    assert render_text(tmp_path, text) == expected


def test_es_es_formats_the_same_hook_its_own_way(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    context = renderer.context("es-ES", prospect("es-ES"))
    assert str(context["hooks"]["salario"]) == f"1.234,50{NBSP}€"
    assert str(context["hooks"]["pymes"]) == f"68,4{NBSP}%"


def test_a_message_has_its_subject_and_follow_ups_reply_in_thread(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    pitch = renderer.render("es-MX", prospect(), message="pitch")
    assert pitch.subject == "Datos para El Diario"
    assert pitch.body == ("Buen día:\n\nLe escribo de Site: https://www.site.com/mx/nomina/\n\n"
                          "Saludos cordiales,\nLucía Romero\n")
    assert (pitch.subject_source.name, pitch.body_source.name) == ("subject", "pitch")
    follow_up = renderer.render("es-MX", prospect(), message="followup-1")
    assert follow_up.subject == "Re: Datos para El Diario"


def test_the_page_must_be_one_of_the_markets_own(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    ok = renderer.render("es-MX", prospect(), page="https://www.site.com/mx/nomina/", anchor="nómina")
    assert "https://www.site.com/mx/nomina/" in ok.body
    with pytest.raises(NotFoundError, match="is not a target page of es-MX: it is a page of es-ES"):
        renderer.render("es-MX", prospect(), page="https://www.site.com/es/nominas/")
    with pytest.raises(NotFoundError, match="it is not in the campaign"):
        renderer.render("es-MX", prospect(), page="https://www.site.com/")


def test_an_explicit_sender_replaces_the_locales(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    sender = SenderView("Pablo Ruiz", "PR", "Site", None, None)
    assert renderer.render("es-MX", prospect(), sender=sender).body.endswith("Pablo Ruiz\n")


def test_babel_spaces_survive_rendering_exactly(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws", pitch="{{ hooks.salario }}"))
    es = renderer.render("es-ES", prospect("es-ES"))
    assert es.body == ("Buen día:\n\nLe escribo de Site: https://www.site.com/es/nominas/\n\n"
                       "Un saludo,\nMarta Gil\n")
    assert renderer.render("es-MX", prospect()).body == "$1,234.50\n"


# Each of these tries to reach Python internals or run code; the sandbox must refuse all of them.
ESCAPES = [
    pytest.param("{{ ''.__class__.__mro__ }}", "'__class__' of 'str' object is unsafe", id="str mro"),
    pytest.param("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe", id="subclasses"),
    pytest.param("{{ cycler.__init__.__globals__ }}", "'__init__' of 'StrictUndefined' object is unsafe",
                 id="cycler globals"),
    pytest.param("{{ lipsum.__globals__['os'] }}", "'lipsum' is undefined", id="lipsum globals"),
    pytest.param("{{ range(10) | list }}", "'range' is undefined", id="no range"),
    pytest.param("{{ namespace }}", "'namespace' is undefined", id="namespace"),
    pytest.param("{{ prospect.__class__ }}", "'__class__' of 'ProspectView' object is unsafe",
                 id="view class"),
    pytest.param("{{ prospect.__init__.__globals__ }}", "'__init__' of 'ProspectView' object is unsafe",
                 id="view globals"),
    pytest.param("{{ hooks.pymes.__str__.__globals__ }}", "'__str__' of 'HookView' object is unsafe",
                 id="hook method"),
    pytest.param("{{ prospect.__slots__ }}", "'__slots__' of 'ProspectView' object is unsafe", id="slots"),
    pytest.param("{{ hooks.__class__.__base__ }}", "'__class__' of 'HookSet' object is unsafe", id="hookset"),
    pytest.param("{{ hooks.clear() }}", "'clear' of 'HookSet' object is unsafe", id="mutate hooks"),
    pytest.param("{{ page.keywords.__class__ }}", "'__class__' of 'tuple' object is unsafe", id="tuple"),
    pytest.param("{{ '{0.__class__}'.format(anchor) }}", "'__class__' of 'str' object is unsafe",
                 id="format string"),
    pytest.param("{{ anchor | attr('__class__') }}", "'__class__' of 'str' object is unsafe",
                 id="attr filter"),
    pytest.param("{{ self.__init__.__globals__ }}", "unsafe", id="self"),
    pytest.param("{{ 'x' * 100000 }}", "'*' would build 100000 items", id="huge string"),
    pytest.param("{{ [1] * 10 * 10000 }}", "would build", id="huge list"),
    pytest.param("{{ 2 ** 5000 }}", "'**' would build a 10000-bit integer", id="huge power"),
    pytest.param("{{ ((9 ** 60) ** 60) ** 60 }}", "'**' would build a", id="power tower"),
    pytest.param("{{ (2 ** 2000) * (2 ** 2000) * (2 ** 2000) }}", "'*' would build a 6002-bit integer",
                 id="huge product"),
    pytest.param("{{ ('x' * 15000) + ('y' * 15000) }}", "'+' would build 30000 items", id="concatenation"),
]


@pytest.mark.parametrize(("text", "message"), ESCAPES)
def test_the_sandbox_refuses_escapes(tmp_path: Path, text: str, message: str) -> None:
    error = render_error(tmp_path, text)
    assert message in error.message
    assert error.file is not None and error.file.endswith("es-MX/pitch.j2")


def test_small_arithmetic_still_works(tmp_path: Path) -> None:
    text = "{{ 'ab' * 2 }} {{ 2 ** 10 }} {{ 3 * 4 }} {{ 1.5 * 2 }} {{ 'a' + 'b' }} {{ 1 + 2 }}"
    assert render_text(tmp_path, text) == "abab 1024 12 3.0 ab 3"


@pytest.mark.parametrize(("text", "line", "message"), [
    pytest.param("Hola\n{{ contact.frist_name }}", 2, "'contact' has no attribute 'frist_name'", id="typo"),
    pytest.param("Hola\n\n{{ outlet }}", 3, "'outlet' is undefined", id="unknown name"),
    pytest.param("a\nb\n{{ hooks.cfdi }}", 3, "'hooks' has no attribute 'cfdi'", id="hook not in brief"),
    pytest.param("{% if true %}\n\n{{ contact.phone }}\n{% endif %}", 3, "has no attribute 'phone'",
                 id="inside a block"),
    pytest.param("x\n{{ 'abc' | number }}", 2, "TypeError: expected a number, got str", id="filter input"),
    pytest.param("x\n{{ 5 | currency }}", 2, "currency needs a code for a plain number", id="currency code"),
    pytest.param("x\n{{ hooks.pymes.as_of | date('tiny') }}", 2, "unknown date style 'tiny'", id="style"),
])
def test_undefined_names_and_bad_values_name_the_file_and_line(tmp_path: Path, text: str, line: int,
                                                               message: str) -> None:
    error = render_error(tmp_path, text)
    assert (error.line, message in error.message) == (line, True), error.message
    assert str(error).startswith(f"{error.file}:{line}: ")


def test_printing_none_is_an_error_not_the_word_none(tmp_path: Path) -> None:
    error = render_error(tmp_path, "Hola\nHola, {{ contact.first_name }}:", first_name=None)
    assert error.line == 2
    assert "printed an empty value (None)" in error.message
    assert render_text(tmp_path / "b", "Hola{{ (', ' + contact.first_name) if contact.first_name }}:",
                       first_name=None) == "Hola:"


def test_syntax_errors_name_the_line(tmp_path: Path) -> None:
    error = render_error(tmp_path, "Hola\n\n{% if contact.name %}\nsin cerrar\n")
    assert error.line == 4 and "Unexpected end of template" in error.message
    assert "pitch.j2:4: " in str(error)


def test_an_unknown_filter_is_a_compile_error_with_its_line(tmp_path: Path) -> None:
    error = render_error(tmp_path, "Hola\n{{ anchor | shout }}")
    assert (error.line, error.message) == (2, "No filter named 'shout'.")


@pytest.mark.parametrize(("subject", "fields"), [
    pytest.param("Datos\r\nBcc: victim@example.com", {}, id="CRLF in the template"),
    pytest.param("Datos para {{ prospect.name }}", {"outlet": "Diario\r\nBcc: victim@example.com"},
                 id="CRLF from prospect data"),
    pytest.param("Datos para {{ prospect.name }}", {"outlet": "Diario\nX-Spam: yes"}, id="bare LF"),
    pytest.param("Datos para {{ prospect.name }}", {"outlet": "Diario\rInjected"}, id="bare CR"),
    pytest.param("Datos para {{ prospect.name }}", {"outlet": "Diario\x00"}, id="NUL"),
    pytest.param("Datos para {{ prospect.name }}", {"outlet": "Diario\u2028Injected"}, id="line separator"),
    pytest.param("Datos\n\nen dos líneas", {}, id="two lines of template text"),
])
def test_a_subject_can_never_carry_a_line_break(tmp_path: Path, subject: str, fields: dict[str, str]) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws", subject=subject))
    with pytest.raises(UnsafeHeaderError) as caught:
        renderer.render("es-MX", prospect(**fields))
    assert "subject must be one line" in str(caught.value)
    assert caught.value.file is not None and caught.value.file.endswith("subject.j2")


def test_a_subject_is_trimmed_and_may_not_be_empty(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws", subject="\n  Datos  \n\n"))
    assert renderer.render("es-MX", prospect()).subject == "Datos"
    empty = renderer_for(mx_workspace(tmp_path / "b", subject="{% if false %}x{% endif %}\n"))
    with pytest.raises(TemplateError, match="the rendered subject is empty"):
        empty.render("es-MX", prospect())


def test_body_data_with_line_breaks_stays_in_the_body(tmp_path: Path) -> None:
    assert render_text(tmp_path, "{{ prospect.name }}", outlet="Uno\r\nDos") == "Uno\r\nDos"


def test_templates_compile_once_and_recompile_after_an_edit(tmp_path: Path) -> None:
    root = mx_workspace(tmp_path / "ws", pitch="uno")
    renderer = renderer_for(root)
    first = renderer.compile("es-MX", "pitch")[1]
    assert renderer.compile("es-MX", "pitch")[1] is first
    (root / "locales" / "es-MX" / "pitch.j2").write_text("dos y tres", encoding="utf-8")
    assert renderer.render("es-MX", prospect()).body == "dos y tres\n"


def test_the_market_context_follows_brief_edits(tmp_path: Path) -> None:
    root = mx_workspace(tmp_path / "ws", pitch="{{ hooks.pymes }}")
    renderer = renderer_for(root)
    assert renderer.render("es-MX", prospect()).body == "68.4%\n"
    brief = root / "briefs" / "es-MX.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace("68.4", "70.25"), encoding="utf-8")
    assert renderer.render("es-MX", prospect()).body == "70.25%\n"


def test_the_default_renderer_is_built_from_the_campaign(demo_dir: Path) -> None:
    from outreach.core.campaign_file import load_campaign

    renderer = Renderer(load_campaign(demo_dir))
    assert renderer.workspace == demo_dir
    market = renderer.campaign.market("es-MX")
    assert renderer.render("es-MX", sample_prospect(market)).subject.endswith("Example Media")


def test_context_names_are_the_documented_ones() -> None:
    assert sorted(CONTEXT_NAMES) == ["anchor", "brand", "contact", "hooks", "locale", "market", "page",
                                     "prospect", "sender"]


def test_a_prospect_is_only_pitched_in_its_own_market(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    with pytest.raises(NotFoundError, match=r"prospect 7 \(diario.mx\) is in es-MX, not es-ES"):
        renderer.render("es-ES", prospect("es-MX"))


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("{{ hooks.pymes.as_of | date('short') }}", "31/07/26", id="short date of a hook's as_of"),
    pytest.param("{{ hooks.pymes.as_of | date }}", "31 de julio de 2026", id="long is the default"),
    pytest.param("{{ hooks.salario | currency('EUR') }}", "EUR1,234.50", id="a code overrides the hook's"),
    pytest.param("{{ 12000.4 | currency('MXN', whole=true) }}", "$12,000", id="whole rounds the cents away"),
    pytest.param("{{ hooks.salario | plural(one='{n} peso', other='{n} pesos') }}", "1,234.5 pesos",
                 id="plural of a hook"),
    pytest.param("{{ market.country | territory }} / {{ market.language | language }}", "México / español",
                 id="the market's own names"),
    pytest.param("{{ hooks.salario.value }} {{ hooks.salario.unit }}", "1234.5 currency:MXN",
                 id="raw value and unit"),
    pytest.param("{% for name in hooks | sort %}{{ name }} {% endfor %}", "pymes salario ", id="loop hooks"),
])
def test_more_filters(tmp_path: Path, text: str, expected: str) -> None:
    assert render_text(tmp_path, text) == expected


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("{{ hooks.pymes | currency }}", "currency needs a code", id="currency of a percent hook"),
    pytest.param("{{ hooks.pymes.as_of | percent }}", "expected a number, got date", id="percent of a date"),
    pytest.param("{{ anchor | territory }}", "is not a territory code", id="territory of text"),
])
def test_filters_refuse_the_wrong_kind_of_value(tmp_path: Path, text: str, message: str) -> None:
    assert message in render_error(tmp_path, text).message


@pytest.mark.parametrize("text", [
    pytest.param("{{ hooks.pymes.value.__class__ }}", id="a hook's Decimal"),
    pytest.param("{{ (hooks.values() | list)[0].__init__ }}", id="a view through a list"),
    pytest.param("{% set h = hooks %}{{ h.update({'x': 1}) }}", id="mutate through a variable"),
    pytest.param("{{ page.keywords.__len__() }}", id="dunder method"),
    pytest.param("{{ '%s' % anchor.__class__ }}", id="percent formatting"),
    pytest.param("{{ prospect | attr('__init__') }}", id="attr on a view"),
    pytest.param("{{ '{a.__class__.__mro__}'.format_map({'a': anchor}) }}", id="format_map"),
    pytest.param("{{ contact.__dataclass_fields__ }}", id="dataclass internals"),
])
def test_more_escapes_are_refused(tmp_path: Path, text: str) -> None:
    assert "unsafe" in render_error(tmp_path, text).message


@pytest.mark.parametrize("name", ["dict", "joiner", "cycler", "lipsum", "range", "namespace", "loop", "self",
                                  "config", "request"])
def test_no_globals_are_left_to_call(tmp_path: Path, name: str) -> None:
    message = render_error(tmp_path, f"{{{{ {name}() }}}}").message
    assert f"'{name}' is undefined" in message or "unsafe" in message or "not callable" in message


@pytest.mark.parametrize(("text", "unsafe"), [
    pytest.param("Datos\tpara", "'\\t'", id="tab"),
    pytest.param("Datos\x7fpara", "'\\x7f'", id="DEL"),
    pytest.param("Datos\x85para", "'\\x85'", id="next line (C1)"),
    pytest.param("Datos\u2029para", "'\\u2029'", id="paragraph separator"),
    pytest.param("Datos\x1bpara", "'\\x1b'", id="escape"),
])
def test_checked_subject_refuses_every_control_character(text: str, unsafe: str) -> None:
    source = TemplateSource("es-MX", "subject", "es-MX", "own", Path("subject.j2"), "", "0" * 64, "es")
    with pytest.raises(UnsafeHeaderError, match=re.escape(f"contains {unsafe} at position 6")):
        checked_subject(text, source)


def test_checked_subject_keeps_unicode_and_no_break_spaces() -> None:
    source = TemplateSource("es-ES", "subject", "es-ES", "own", Path("subject.j2"), "", "0" * 64, "es")
    subject = f"Coste: 1.221{NBSP}€ — «pymes» 👍"
    assert checked_subject(f"  {subject} \n", source) == subject


def test_an_ancestors_text_is_formatted_in_each_markets_own_locale(tmp_path: Path) -> None:
    from tests.campaigns import base_campaign, changed
    from tests.core.workspaces import LOCALE_MX, make_workspace

    campaign = changed(base_campaign(), "markets.es-AR", {
        "timezone": "America/Argentina/Buenos_Aires", "path": "/ar/",
        "pages": [{"url": "https://www.site.com/ar/sueldos/"}]})
    shared = {"locale.toml": LOCALE_MX, "subject.j2": "Datos", "pitch.j2": "{{ 1234.5 | number }} · "
              "{{ 34.7 | percent }} · {{ market.country_name }}"}
    renderer = renderer_for(make_workspace(tmp_path / "ws", campaign=campaign, locales={"es-419": shared}))
    bodies = {tag: renderer.render(tag, prospect(tag)).body for tag in ("es-AR", "es-MX")}
    assert bodies == {"es-AR": "1.234,5 · 34,7% · Argentina\n", "es-MX": "1,234.5 · 34.7% · México\n"}
    assert {renderer.render(tag, prospect(tag)).body_source.folder for tag in bodies} == {"es-419"}


def test_one_context_serves_every_message_of_a_prospect(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws"))
    context = renderer.context("es-MX", prospect(), anchor="software de nómina")
    messages = [renderer.render_with("es-MX", name, context) for name in ("pitch", "followup-1",
                                                                          "followup-2")]
    assert [message.subject for message in messages] == ["Datos para El Diario", "Re: Datos para El Diario",
                                                         "Re: Datos para El Diario"]
    assert context["anchor"] == "software de nómina" and context["page"].url.endswith("/mx/nomina/")


def test_a_renderer_can_share_a_library(tmp_path: Path) -> None:
    from outreach.core.campaign_file import load_campaign
    from outreach.core.locale_folders import Library

    root = mx_workspace(tmp_path / "ws")
    library = Library(root)
    renderer = Renderer(load_campaign(root), root, library)
    assert renderer.library is library and renderer.workspace == root
    assert renderer.environment("es-MX") is renderer.environment("es-MX")
    assert renderer.environment("es-MX") is not renderer.environment("es-ES"), "filters bind one locale"


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("{% if hooks.nada is defined %}{{ hooks.nada }}{% else %}sin dato{% endif %}", "sin dato",
                 id="a generic template can test for a hook"),
    pytest.param("{{ hooks.get('nada', 'sin dato') }}", "sin dato", id="get with a default"),
    pytest.param("{{ contact.first_name | default('equipo', true) }}", "equipo", id="default for None"),
    pytest.param("{{ hooks.pymes if hooks.pymes is defined }}", "68.4%", id="inline test"),
])
def test_optional_values_have_safe_spellings(tmp_path: Path, text: str, expected: str) -> None:
    assert render_text(tmp_path, text, first_name=None) == expected


def test_hooks_get_without_a_default_prints_nothing_useful(tmp_path: Path) -> None:
    assert "printed an empty value (None)" in render_error(tmp_path, "{{ hooks.get('nada') }}").message


def test_lines_are_counted_across_trimmed_blocks(tmp_path: Path) -> None:
    text = ("{% if contact.first_name %}\nHola, {{ contact.first_name }}:\n{% else %}\nHola:\n{% endif %}\n\n"
            "{% if page.cluster %}\nTexto.\n{% endif %}\n{{ contact.telefono }}\n")
    assert render_error(tmp_path, text).line == 10


@pytest.mark.parametrize("name", ["prospect", "contact", "page", "market", "sender", "locale", "hooks"])
def test_unknown_attributes_name_the_context_variable(tmp_path: Path, name: str) -> None:
    assert f"'{name}' has no attribute 'nada'" in render_error(tmp_path, f"{{{{ {name}.nada }}}}").message


def test_endless_recursion_is_a_template_error(tmp_path: Path) -> None:
    error = render_error(tmp_path, "{% macro m() %}{{ m() }}{% endmacro %}\n{{ m() }}")
    assert error.message.startswith("RecursionError: ") and error.line == 1


def test_market_tags_are_accepted_in_any_case(tmp_path: Path) -> None:
    renderer = renderer_for(mx_workspace(tmp_path / "ws", pitch="{{ hooks.salario }}"))
    lower = renderer.render("es-mx", prospect())
    assert (lower.market, lower.body, lower.body_source.folder) == ("es-MX", "$1,234.50\n", "es-MX")
