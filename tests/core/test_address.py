"""Forms of address: which words betray tú, usted, vos, vosotros, du, Sie, tu, vous or tu in Brazil."""

from __future__ import annotations

import pytest

from outreach.core.address import form_problem, wrong_forms

MX = {"usted", "ustedes"}
ES = {"tú", "vosotros"}
AR = {"vos", "ustedes"}


@pytest.mark.parametrize(("text", "language", "allowed", "words"), [
    pytest.param("Le escribo porque sus lectores…", "es", MX, [], id="es-MX usted text is clean"),
    pytest.param("Te escribo porque tus lectores…", "es", MX, ["Te", "tus"], id="tú in an usted locale"),
    pytest.param("¿Puedes verlo? Dime qué opinas.", "es", MX, ["Puedes", "Dime"], id="tú verbs"),
    pytest.param("Os dejo el enlace para vuestro medio.", "es", MX, ["Os", "vuestro"], id="vosotros, MX"),
    pytest.param("¿Podéis publicarlo?", "es", AR, ["Podéis"], id="vosotros verb in Argentina"),
    pytest.param("Os dejo el enlace para vuestro medio.", "es", ES, [], id="vosotros is fine in Spain"),
    pytest.param("Te escribo, ¿puedes verlo?", "es", ES, [], id="tú is fine in Spain"),
    pytest.param("Si usted lo prefiere, escríbame.", "es", ES, ["usted", "escríbame"], id="usted in Spain"),
    pytest.param("Te escribo, ¿podés verlo? Escribime.", "es", AR, [], id="voseo with te is fine"),
    pytest.param("Te escribo, ¿puedes verlo?", "es", AR, ["puedes"], id="tú verb in a vos locale"),
    pytest.param("Sos la persona indicada, ¿podés?", "es", ES, ["Sos", "podés"], id="voseo in Spain"),
    pytest.param("Para ti y contigo.", "es", AR, ["ti"], id="ti is tú only; contigo fits vos too"),
    pytest.param("Ustedes publican mucho.", "es", ES, ["Ustedes"], id="ustedes in a tú/vosotros locale"),
    pytest.param("El té y el tutorial; tuve dudas.", "es", MX, [], id="no false hits inside words"),
    pytest.param("ich schreibe Ihnen, weil Sie schreiben.", "de", {"Sie"}, [], id="Sie locale clean"),
    pytest.param("ich schreibe dir, weil du schreibst.", "de", {"Sie"}, ["dir", "du"], id="du in Sie locale"),
    pytest.param("Habt ihr Zeit? Ich schreibe euch.", "de", {"Sie"}, ["euch"], id="ihr plural in Sie"),
    pytest.param("ich schreibe Ihnen heute.", "de", {"du", "ihr"}, ["Ihnen"], id="Ihnen in a du locale"),
    pytest.param("danke, dass Sie antworten.", "de", {"du"}, ["Sie"], id="polite Sie mid-sentence"),
    pytest.param("Sie ist Redakteurin. Ihre Texte sind gut.", "de", {"du"}, [], id="she and her are not Sie"),
    pytest.param("Je vous écris car votre site…", "fr", {"vous"}, [], id="vous clean"),
    pytest.param("Je t'écris car ton site et ta rubrique…", "fr", {"vous"}, ["t'", "ta"],
                 id="tu in a vous locale (ton is left out: le ton)"),
    pytest.param("Je te propose ceci, à toi.", "fr", {"vous"}, ["te", "toi"], id="te and toi"),
    pytest.param("Você pode usar o link; o seu site…", "pt", {"você", "vocês"}, [], id="você clean"),
    pytest.param("Tu podes usar o teu site.", "pt", {"você", "vocês"}, ["Tu", "teu"], id="tu in Brazil"),
    pytest.param("Whatever you prefer.", "en", {"you"}, [], id="English has no checks"),
    pytest.param("Te escribo.", "it", {"Lei"}, [], id="languages without markers pass"),
])
def test_wrong_forms(text: str, language: str, allowed: set[str], words: list[str]) -> None:
    hits = sorted(wrong_forms(text, language, allowed), key=lambda hit: hit.offset)
    assert [hit.word for hit in hits] == words
    for hit in hits:
        assert text[hit.offset:hit.offset + len(hit.word)] == hit.word
        assert not hit.forms & allowed


@pytest.mark.parametrize(("language", "form", "plural", "problem"), [
    pytest.param("es", "usted", False, None, id="usted"),
    pytest.param("es", "vosotros", True, None, id="vosotros plural"),
    pytest.param("es", "vosotros", False, "'vosotros' is not a form of address", id="plural as singular"),
    pytest.param("de", "sie", False, "use one of du, Sie", id="Sie is capitalised"),
    pytest.param("it", "Lei", False, None, id="unknown languages accept any form"),
])
def test_form_problem(language: str, form: str, plural: bool, problem: str | None) -> None:
    found = form_problem(language, form, plural=plural)
    assert (found is None) if problem is None else (problem in (found or ""))


@pytest.mark.parametrize(("language", "allowed", "words"), [
    pytest.param("es", MX, "vosotros vosotras os vuestro vuestra vuestros vuestras podéis tenéis "
                 "queréis sabéis sois estáis habéis necesitáis escribidme avisadme decidme contadme",
                 id="vosotros in Mexico"),
    pytest.param("es", MX, "tú ti te tu tus contigo puedes tienes quieres sabes eres necesitas buscas "
                 "prefieres piensas dime escríbeme avísame cuéntame fíjate llámame mándame",
                 id="tú in Mexico"),
    pytest.param("es", ES, "vos podés tenés querés sabés sos necesitás buscás preferís pensás decime "
                 "escribime avisame contame fijate llamame mandame usted escríbame avíseme dígame "
                 "cuénteme fíjese llámeme mándeme ustedes", id="vos and usted in Spain"),
    pytest.param("de", {"Sie"}, "du dich dir dein deine deinen deinem deiner deines euch euer eure euren "
                 "eurem eurer eures", id="du and ihr in a Sie locale"),
    pytest.param("fr", {"vous"}, "tu toi ta tes te", id="tu in a vous locale"),
    pytest.param("pt", {"você", "vocês"}, "tu teu tua teus tuas contigo vós vosso vossa vossos vossas",
                 id="tu and vós in Brazil"),
])
def test_every_marker_word_is_caught(language: str, allowed: set[str], words: str) -> None:
    for word in words.split():
        assert [hit.word for hit in wrong_forms(f"Hola {word}.", language, allowed)] == [word], word
