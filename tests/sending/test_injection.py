"""Header injection end to end: CR, LF and other control characters in every CSV field and in what
templates render never reach a header; they are refused or folded before any byte is queued."""

from __future__ import annotations

import csv
import io
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core.models import LinkRequest, Prospect
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.prospects import ImportOptions, import_file
from outreach.core.schedule import schedule_market
from outreach.errors import UnsafeHeaderError
from tests.sending.world import NOW, World, mailbox, sending_campaign

PAYLOADS = {"crlf": "\r\nBcc: evil@x.com", "lf": "\nBcc: evil@x.com", "cr": "\rBcc: evil@x.com",
            "nul": "\x00Bcc: evil@x.com", "tab-fold": "\r\n\tBcc: evil@x.com"}
FIELDS = ("domain", "outlet", "contact_name", "first_name", "email", "timezone")
EXPECTED_HEADERS = {"From", "To", "Subject", "Message-ID", "List-Unsubscribe", "MIME-Version", "Content-Type",
                    "Content-Transfer-Encoding"}


def csv_with(field: str, payload: str) -> str:
    row = {"domain": "diario.mx", "outlet": "El Diario", "contact_name": "Ana Pérez", "first_name": "Ana",
           "email": "ana@diario.mx", "timezone": "America/Mexico_City"}
    row[field] = row[field] + payload
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(row)
    return buffer.getvalue()


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
@pytest.mark.parametrize("field", FIELDS)
def test_control_characters_from_a_csv_never_reach_a_header(tmp_path: Path, sqlite_url: str, field: str,
                                                            payload: str) -> None:
    world = World.make(tmp_path / "ws", sqlite_url, sending_campaign())
    path = tmp_path / "list.csv"
    path.write_text(csv_with(field, payload), encoding="utf-8", newline="")
    with world.store.transaction() as session:
        import_file(session, world.campaign, world.campaign_id, path, ImportOptions("es-MX"), "tester")
    renderer = world.renderer()
    with world.store.transaction() as session:
        prospects = list(session.exec(select(Prospect)).all())
        for prospect in prospects:
            try:
                pitch = renderer.render("es-MX", prospect)
            except UnsafeHeaderError:
                continue
            session.add(LinkRequest(campaign_id=world.campaign_id, market="es-MX", prospect_id=prospect.id or 0,
                                    page_url=world.campaign.market("es-MX").pages[0].url,
                                    anchor="Site", anchor_class="branded", state="approved",
                                    subject=pitch.subject, body=pitch.body, created_by="tester"))
    with world.store.transaction() as session:
        schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="tester",
                        mailboxes=[mailbox()], now=NOW)
        queued = list(session.exec(select(OutboxMessage)).all())
    refused_at_import = field in ("email", "timezone")
    assert (len(prospects), len(queued)) == ((0, 0) if refused_at_import else (1, 1))
    for message in queued:
        parsed = message_from_bytes(message.content, policy=policy.default)
        assert set(parsed.keys()) == EXPECTED_HEADERS, parsed.keys()
        head = message.content.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        assert not [line for line in head if line.lower().startswith(b"bcc")]
        assert not parsed.defects


def test_a_template_that_renders_a_line_break_into_the_subject_is_refused(tmp_path: Path,
                                                                          sqlite_url: str) -> None:
    world = World.make(tmp_path / "ws", sqlite_url, sending_campaign())
    (world.root / "locales" / "es-MX" / "subject.j2").write_text(
        "Datos para {{ prospect.name }}{{ '\\r\\nBcc: evil@x.com' }}\n", encoding="utf-8")
    prospect = Prospect(id=1, campaign_id=world.campaign_id, market="es-MX", identity="x", domain="diario.mx")
    with pytest.raises(UnsafeHeaderError, match="subject contains"):
        world.renderer().render("es-MX", prospect)
