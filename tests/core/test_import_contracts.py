"""Every fixture, every imported prospect: the contract each export format keeps.

Columns: fixture, domain, host, email, contact, country/how, language/how, locality, source type,
metrics. Imported into es-MX, so only Mexican sites are local.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from outreach.core.models import Prospect
from tests.core.conftest import FIXTURES, Env

EXPECTED = [
    ('ahrefs_backlinks.csv', 'freelancehub.com', None, None, None, 'None/unknown', 'es/path-hint',
     'unknown', None, {'dr': 38.0, 'ur': 8.0, 'traffic': 9000.0}),
    ('ahrefs_backlinks.csv', 'mittelstand-heute.de', None, None, None, 'DE/cctld', 'de/export-language',
     'global', None, {'dr': 52.0, 'ur': 10.0, 'traffic': 40000.0}),
    ('ahrefs_backlinks.csv', 'revistapymes.com.mx', None, None, None, 'MX/cctld', 'es/export-language',
     'local', None, {'dr': 44.0, 'ur': 12.0, 'traffic': 18300.0}),
    ('ahrefs_intersect.csv', 'emprendedores.com.ar', None, None, None, 'AR/cctld', 'es/export-language',
     'global', None, {'dr': 47.0, 'ur': 15.0, 'traffic': 22000.0}),
    ('ahrefs_intersect.csv', 'tecnoayuda.com', 'es.tecnoayuda.com', None, None, 'None/unknown',
     'es/path-hint', 'unknown', None, {'dr': 33.0, 'ur': 9.0, 'traffic': 5000.0}),
    ('ahrefs_refdomains.csv', 'elnorte-economia.com.mx', None, None, None, 'MX/cctld', 'es/cctld',
     'local', None, {'dr': 62.0, 'traffic': 35200.0}),
    ('ahrefs_refdomains.csv', 'pymesdigitales.es', 'blog.pymesdigitales.es', None, None, 'ES/cctld',
     'es/cctld', 'global', None, {'dr': 41.0, 'traffic': 4100.0}),
    ('ahrefs_refdomains.csv', 'startupnews.io', None, None, None, 'None/unknown', 'None/unknown',
     'unknown', None, {'dr': 55.0, 'traffic': 88000.0}),
    ('buzzstream_contacts.csv', 'economiaregional.com.ar', None, 'jose.nunez@economiaregional.com.ar',
     'José Núñez', 'AR/cctld', 'es/cctld', 'global', None, {}),
    ('buzzstream_contacts.csv', 'journal-des-pme.fr', None, 'b.lefevre@journal-des-pme.fr',
     'Bérénice Lefèvre', 'FR/cctld', 'fr/cctld', 'global', None, {}),
    ('majestic_backlinks.csv', 'gestion-tpe.fr', None, None, None, 'FR/cctld', 'fr/cctld', 'global',
     None, {'tf': 24.0, 'cf': 31.0}),
    ('majestic_refdomains.csv', 'payrollweekly.co.uk', None, None, None, 'GB/cctld',
     'en/export-language', 'global', None, {'tf': 30.0, 'cf': 35.0}),
    ('majestic_refdomains.csv', 'wirtschaftsblatt-online.de', None, None, None, 'DE/cctld',
     'de/export-language', 'global', None, {'tf': 35.0, 'cf': 40.0}),
    ('moz_domains.csv', 'contabilidad-hoy.com.ar', None, None, None, 'AR/cctld', 'es/cctld', 'global',
     None, {'da': 42.0, 'spam_score': 1.0}),
    ('moz_links.csv', 'payrollpractice.co.uk', None, None, None, 'GB/cctld', 'en/cctld', 'global', None,
     {'da': 51.0, 'pa': 38.0, 'spam_score': 2.0}),
    ('outreach_prospects.csv', 'camaracomerciogdl.org.mx', None, None, None, 'MX/explicit',
     'es/explicit', 'local', 'chamber', {'dr': 35.0}),
    ('outreach_prospects.csv', 'contadorespyme.mx', None, 'jorge@contadorespyme.mx', 'Jorge Ramírez',
     'MX/cctld', 'es/cctld', 'local', 'trade', {'dr': 31.0, 'traffic': 8500.0}),
    ('outreach_prospects.csv', 'diariodelbajio.com.mx', None, 'lucia.ramirez@diariodelbajio.com.mx',
     'Lucía Ramírez', 'MX/cctld', 'es/cctld', 'local', 'press', {'dr': 48.0, 'traffic': 120000.0}),
    ('outreach_prospects.csv', 'finanzasglobales.com', None, 'emma@finanzasglobales.com', 'Emma Clarke',
     'None/unknown', 'en/explicit', 'global', 'global-publication', {'dr': 71.0, 'traffic': 2400000.0}),
    ('outreach_prospects.csv', 'noticiastijuana.mx', None, 'raul@noticiastijuana.mx', 'Raúl Ortega',
     'MX/cctld', 'es/cctld', 'local', 'press', {'dr': 22.0}),
    ('pitchbox_partners.csv', 'folhaempresarial.com.br', None, 'editor@folhaempresarial.com.br',
     'Beatriz Araújo', 'BR/cctld', 'pt/cctld', 'global', 'press', {}),
    ('semrush_backlinks.csv', 'autonomosaldia.es', None, None, None, 'ES/cctld', 'es/cctld', 'global',
     None, {'page_as': 38.0}),
    ('semrush_backlinks.csv', 'comparasoft.com', 'blog.comparasoft.com', None, None, 'MX/path-hint',
     'None/unknown', 'local', None, {'page_as': 12.0}),
    ('semrush_gap.csv', 'gestionpyme.com.mx', None, None, None, 'MX/cctld', 'es/cctld', 'local', None,
     {'as': 40.0}),
    ('semrush_gap.csv', 'sololarival.mx', None, None, None, 'MX/cctld', 'es/cctld', 'local', None,
     {'as': 28.0}),
    ('semrush_refdomains.csv', 'contabilidadfacil.com.br', None, None, None, 'BR/cctld', 'pt/cctld',
     'global', None, {'as': 45.0}),
    ('semrush_refdomains.csv', 'negocioslocales.com', None, None, None, 'None/unknown', 'None/unknown',
     'unknown', None, {'as': 30.0}),
]
BY_FIXTURE: dict[str, list[tuple[Any, ...]]] = {}
for _row in EXPECTED:
    BY_FIXTURE.setdefault(_row[0], []).append(_row)


@pytest.mark.parametrize("fixture", sorted(BY_FIXTURE))
def test_fixture_contract(env: Env, tmp_path: Path, fixture: str) -> None:
    env.import_file(FIXTURES / fixture, rejects=tmp_path / "rejects.csv")
    with env.session() as session:
        found = session.exec(select(Prospect).order_by(Prospect.domain, Prospect.email)).all()
    assert [(fixture, p.domain, p.host, p.email, p.contact_name, f"{p.country}/{p.country_source}",
             f"{p.language}/{p.language_source}", p.locality, p.source_type, p.metrics)
            for p in found] == BY_FIXTURE[fixture]
