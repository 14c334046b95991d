"""Locale folders: locale.toml, the CLDR and declared fallback chains, resolution and content hashes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from outreach.core.locale_folders import REQUIRED_TEMPLATES, Library, Snapshot, content_hash
from outreach.errors import LocaleFileError, TemplateNotFoundError
from tests.core.workspaces import LOCALE_DEFAULT, LOCALE_MX, make_workspace

AR_VOS = LOCALE_MX.replace('"usted"', '"vos"')


def library(tmp_path: Path, locales: dict[str, dict[str, str]]) -> Library:
    """A library over a fresh workspace holding `locales`."""
    return Library(make_workspace(tmp_path / "ws", locales=locales))


@pytest.mark.parametrize(("folders", "tag", "chain"), [
    pytest.param({}, "es-AR", ["es-AR", "es-419", "es", "default"], id="es-AR by CLDR parents"),
    pytest.param({}, "es-MX", ["es-MX", "es-419", "es", "default"], id="es-MX"),
    pytest.param({}, "es-ES", ["es-ES", "es", "default"], id="es-ES skips es-419"),
    pytest.param({}, "en-GB", ["en-GB", "en-001", "en", "default"], id="en-GB via en-001"),
    pytest.param({}, "pt-BR", ["pt-BR", "pt", "default"], id="pt-BR"),
    pytest.param({"es-CO": {"locale.toml": 'fallback = "es-MX"\n' + LOCALE_MX}}, "es-CO",
                 ["es-CO", "es-MX", "es-419", "es", "default"], id="a declared fallback replaces the parent"),
    pytest.param({"es-CO": {"locale.toml": 'fallback = "default"\n' + LOCALE_MX}}, "es-CO",
                 ["es-CO", "default"], id="declared straight to default"),
])
def test_chains(tmp_path: Path, folders: dict[str, dict[str, str]], tag: str, chain: list[str]) -> None:
    assert [step.folder for step in library(tmp_path, folders).chain(tag)] == chain


def test_steps_say_how_they_were_reached(tmp_path: Path) -> None:
    plain = library(tmp_path / "a", {})
    assert [step.origin for step in plain.chain("es-AR")] == ["own", "ancestor", "ancestor", "default"]
    declared = library(tmp_path / "b", {"es-AR": {"locale.toml": 'fallback = "es-419"\n' + AR_VOS}})
    assert [step.origin for step in declared.chain("es-AR")] == ["own", "declared", "declared", "default"]


def test_a_fallback_loop_is_an_error(tmp_path: Path) -> None:
    lib = library(tmp_path, {"es-CO": {"locale.toml": 'fallback = "es-MX"\n' + LOCALE_MX},
                             "es-MX": {"locale.toml": 'fallback = "es-CO"\n' + LOCALE_MX}})
    with pytest.raises(LocaleFileError, match="fallback: 'es-CO' leads back into the chain of es-CO"):
        lib.chain("es-CO")


def test_es_ar_takes_each_template_from_the_nearest_folder(tmp_path: Path) -> None:
    lib = library(tmp_path, {
        "es-AR": {"locale.toml": AR_VOS, "pitch.j2": "voseo"},
        "es-419": {"locale.toml": LOCALE_MX, "pitch.j2": "neutro", "followup-1.j2": "neutro 1"},
        "es": {"subject.j2": "genérico"},
        "default": {"locale.toml": LOCALE_DEFAULT, "followup-2.j2": "source"},
    })
    found = {name: lib.resolve("es-AR", name) for name in REQUIRED_TEMPLATES}
    assert {name: (source.folder, source.text) for name, source in found.items()} == {
        "pitch": ("es-AR", "voseo"), "followup-1": ("es-419", "neutro 1"),
        "subject": ("es", "genérico"), "followup-2": ("default", "source")}
    assert [found[name].origin for name in REQUIRED_TEMPLATES] == ["ancestor", "own", "ancestor", "default"]
    assert found["followup-2"].language == "en" and found["pitch"].language == "es"


def test_nothing_found_anywhere_fails_loudly(tmp_path: Path) -> None:
    lib = library(tmp_path, {"es-AR": {"locale.toml": AR_VOS}})
    with pytest.raises(TemplateNotFoundError) as caught:
        lib.resolve("es-AR", "pitch")
    assert "no pitch.j2 for es-AR in any of es-AR → es-419 → es → default" in str(caught.value)


def test_settings_come_from_the_market_or_its_nearest_ancestor(tmp_path: Path) -> None:
    lib = library(tmp_path, {"es-419": {"locale.toml": LOCALE_MX}, "es-AR": {"locale.toml": AR_VOS}})
    assert lib.market_settings("es-AR").address == "vos"
    assert lib.market_settings("es-CO").folder == "es-419"
    assert lib.market_settings("es-CO").allowed_forms == {"usted", "ustedes"}
    with pytest.raises(LocaleFileError, match=r"es-ES/locale.toml: not found, and no folder along es-ES"):
        lib.market_settings("es-ES")


@pytest.mark.parametrize(("folder", "text", "message"), [
    pytest.param("es-MX", LOCALE_MX.replace('"usted"', '"du"'),
                 "'du' is not a form of address in 'es'; use one of tú, usted, vos", id="German in Spanish"),
    pytest.param("es-MX", LOCALE_MX.replace('"ustedes"', '"vos"'),
                 "'vos' is not a form of address in 'es'; use one of ustedes, vosotros", id="plural form"),
    pytest.param("de-DE", LOCALE_MX.replace('"usted"', '"Sie"').replace('"ustedes"', '"ihr"')
                 .replace('sign_off = "Saludos cordiales,"', 'sign_off = ""'),
                 "sign_off: String should have at least 1 character", id="empty sign-off"),
    pytest.param("es-MX", 'fallback = "es_419"\n' + LOCALE_MX,
                 "fallback: 'es_419' must be another locale folder", id="bad fallback"),
    pytest.param("es-MX", 'fallback = "es-MX"\n' + LOCALE_MX,
                 "fallback: 'es-MX' must be another locale folder", id="self fallback"),
    pytest.param("es-MX", "subject_max = 5\n" + LOCALE_MX, "subject_max: Input should be greater",
                 id="limit"),
    pytest.param("es-MX", "colour = 1\n" + LOCALE_MX, "colour: unknown key", id="unknown key"),
    pytest.param("default", LOCALE_DEFAULT.replace('language = "en"\n', ""), "language: required but missing",
                 id="default needs a language"),
    pytest.param("es-MX", LOCALE_MX.replace('[sender]\nname = "Lucía Romero"', '[sender]\nrole = "x"'),
                 "sender.name: required but missing", id="sender needs a name"),
    pytest.param("es-MX", "address = \n", "invalid TOML", id="syntax"),
])
def test_locale_toml_problems_name_the_file_and_key(tmp_path: Path, folder: str, text: str,
                                                     message: str) -> None:
    lib = library(tmp_path, {folder: {"locale.toml": text}})
    with pytest.raises(LocaleFileError) as caught:
        lib.settings(folder)
    assert f"{folder}/locale.toml: " in str(caught.value)
    assert message in str(caught.value)


def test_every_form_of_address_of_each_language_is_accepted(tmp_path: Path) -> None:
    cases = {"es-ES": ("tú", "vosotros"), "es-AR": ("vos", "ustedes"), "de-DE": ("du", "ihr"),
             "de-AT": ("Sie", "Sie"), "fr-FR": ("vous", "vous"), "pt-BR": ("você", "vocês"),
             "pt-PT": ("tu", "vós"), "en-GB": ("you", "you"), "it-IT": ("Lei", "voi")}
    folders = {tag: {"locale.toml": LOCALE_MX.replace('"usted"', f'"{one}"')
                     .replace('"ustedes"', f'"{many}"')} for tag, (one, many) in cases.items()}
    lib = library(tmp_path, folders)
    assert {tag: lib.settings(tag).address for tag in cases} == {tag: one for tag, (one, _) in cases.items()}


def test_content_hash_covers_text_and_printed_settings_but_not_tone(tmp_path: Path) -> None:
    lib = library(tmp_path, {"es-MX": {"locale.toml": LOCALE_MX}})
    settings = lib.settings("es-MX")
    assert settings is not None
    base = content_hash("Hola", settings)
    assert len(base) == 64
    assert content_hash("Hola ", settings) != base
    assert content_hash("Hola", settings.model_copy(update={"tone": "otro"})) == base
    assert content_hash("Hola", settings.model_copy(update={"sign_off": "Saludos,"})) != base
    sender = settings.sender.model_copy(update={"name": "Otra Persona"})
    assert content_hash("Hola", settings.model_copy(update={"sender": sender})) != base


def test_a_template_of_an_ancestor_hashes_with_the_markets_own_settings(tmp_path: Path) -> None:
    lib = library(tmp_path, {"es-419": {"locale.toml": LOCALE_MX, "pitch.j2": "Hola"},
                             "es-AR": {"locale.toml": AR_VOS}})
    from_ar, from_co = lib.resolve("es-AR", "pitch"), lib.resolve("es-CO", "pitch")
    assert from_ar.path == from_co.path
    assert from_ar.content_hash != from_co.content_hash, "es-AR signs with its own settings"
    assert from_ar.short_hash == from_ar.content_hash[:12]


def test_template_names_are_the_required_ones_then_extras(tmp_path: Path) -> None:
    lib = library(tmp_path, {"es-MX": {"locale.toml": LOCALE_MX, "followup-3.j2": "x", "notes.txt": "n"},
                             "es": {"breakup.j2": "y"}})
    assert lib.template_names("es-MX") == [*REQUIRED_TEMPLATES, "breakup", "followup-3"]


def _touch(path: Path, text: str) -> None:
    """Rewrite a file and move its mtime forward, as an editor saving it a moment later would."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_edits_on_disk_are_seen(tmp_path: Path) -> None:
    lib = library(tmp_path, {"es-MX": {"locale.toml": LOCALE_MX, "pitch.j2": "uno"}})
    first = lib.resolve("es-MX", "pitch")
    assert lib.resolve("es-MX", "pitch") is first, "unchanged files are not read again"
    _touch(first.path, "dos")
    assert lib.resolve("es-MX", "pitch").text == "dos"
    (lib.folder("es-MX") / "pitch.j2").unlink()
    (lib.folder("es-419")).mkdir()
    (lib.folder("es-419") / "pitch.j2").write_text("neutro", encoding="utf-8")
    assert lib.resolve("es-MX", "pitch").folder == "es-419"


def test_a_recheck_delay_trusts_the_last_look(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", locales={"es-MX": {"locale.toml": LOCALE_MX, "pitch.j2": "uno"}})
    lib = Library(root, recheck_seconds=3600)
    first = lib.resolve("es-MX", "pitch")
    _touch(first.path, "dos")
    assert lib.resolve("es-MX", "pitch").text == "uno"
    assert Library(root).resolve("es-MX", "pitch").text == "dos"


def test_snapshots_notice_added_removed_and_edited_files(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    snapshot = Snapshot([tmp_path, target])
    assert snapshot.fresh()
    target.write_text("new", encoding="utf-8")
    assert not snapshot.fresh()
    again = Snapshot([tmp_path, target])
    _touch(target, "edited")
    assert not again.fresh()


def test_settings_are_parsed_once_per_version_of_the_file(tmp_path: Path) -> None:
    lib = library(tmp_path, {"es-MX": {"locale.toml": LOCALE_MX}})
    first = lib.settings("es-MX")
    assert first is not None and lib.settings("es-MX") is first
    _touch(lib.folder("es-MX") / "locale.toml", LOCALE_MX.replace("Saludos cordiales,", "Saludos,"))
    changed = lib.settings("es-MX")
    assert changed is not first and changed is not None and changed.sign_off == "Saludos,"
    assert lib.settings("es-AR") is None


def test_folders_that_do_not_exist_are_just_skipped(tmp_path: Path) -> None:
    lib = library(tmp_path, {"default": {"locale.toml": LOCALE_DEFAULT, "pitch.j2": "Hello"}})
    assert lib.template_names("de-DE") == list(REQUIRED_TEMPLATES)
    source = lib.resolve("de-DE", "pitch")
    assert (source.folder, source.origin, source.language) == ("default", "default", "en")
    assert lib.market_settings("de-DE").folder == "default"


def test_script_subtags_follow_cldr_too(tmp_path: Path) -> None:
    assert [step.folder for step in library(tmp_path, {}).chain("zh-Hant-TW")] == [
        "zh-Hant-TW", "zh-Hant", "zh", "default"]


def test_watched_paths_cover_every_folder_and_locale_file_of_the_chain(tmp_path: Path) -> None:
    lib = library(tmp_path, {})
    watched = [str(path.relative_to(lib.root)) for path in lib.watched_paths("es-ES")]
    assert watched == ["es-ES", "es", "default", "es-ES/locale.toml", "es/locale.toml", "default/locale.toml"]


def test_rendered_fields_and_allowed_forms(tmp_path: Path) -> None:
    lib = library(tmp_path, {"en-GB": {"locale.toml": LOCALE_DEFAULT.replace('language = "en"\n', "")}})
    settings = lib.settings("en-GB")
    assert settings is not None and settings.language == "en" and settings.allowed_forms == {"you"}
    assert settings.rendered_fields() == {
        "address": "you", "plural_address": None, "sign_off": "Best regards,",
        "sender": {"name": "Press team", "role": "", "company": "", "email": None, "phone": None}}
