"""`sync` against a real dovecot: replies, auto-replies, bounces, unsubscribes, Sent, and syncing twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core import audit, dnc, imap_sync, mailbox_events
from outreach.core.imap_settings import ImapMailbox
from outreach.core.mailbox_tables import InboundEvent, MailboxFolder
from outreach.core.models import DoNotContact, LinkRequest, Prospect, Suppression
from outreach.core.outbox_tables import OutboxMessage, SendLogEntry
from tests.mailbox.dovecot import Account
from tests.mailbox.mail_world import MailWorld


@pytest.fixture
def mail(tmp_path: Path, any_url: str) -> MailWorld:
    return MailWorld.make(tmp_path / "ws", any_url)


def _sync(mail: MailWorld, box: ImapMailbox) -> imap_sync.SyncReport:
    return imap_sync.sync(mail.world.store, [box], campaign_id=mail.world.campaign_id)


def _state(mail: MailWorld, request_id: int, prospect_id: int) -> tuple[str, str, bool]:
    with mail.world.store.transaction() as session:
        request, prospect = session.get(LinkRequest, request_id), session.get(Prospect, prospect_id)
        return request.state, prospect.stage, prospect.do_not_contact


def _events(mail: MailWorld) -> list[tuple[str, str, int | None, str | None]]:
    with mail.world.store.transaction() as session:
        rows = session.exec(select(InboundEvent).order_by(InboundEvent.id)).all()
        return [(row.kind, row.address, row.request_id, row.matched_by) for row in rows]


def test_a_reply_marks_the_request_replied_stops_follow_ups_and_moves_the_prospect(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    assert _state(mail, sent.request_id, sent.prospect_id) == ("sent", "pitched", False)
    account.append("INBOX", mail.raw("reply_gmail_es.eml"))
    report = _sync(mail, imap_box)
    assert report.events == {"reply": 1} and report.failures == []
    assert _state(mail, sent.request_id, sent.prospect_id) == ("replied", "replied", False)
    assert mail.outbox(sent.request_id) == [(0, "sent", None), (1, "stopped", "reply")]
    assert mail.booked(sent.request_id) == 0
    with mail.world.store.transaction() as session:
        [event] = mailbox_events.for_request(session, sent.request_id)
        assert mailbox_events.for_prospect(session, sent.prospect_id) == [event]
        assert event.market == "es-MX" and event.outbox_id == sent.pitch.id
        assert event.detail["text"].startswith("Hola Ana,")
        assert "request replied" in event.detail["effects"]
        moves = audit.entries(session, object_type="request", object_id=str(sent.request_id))
        assert any(entry.action == "request.state" and entry.detail.get("to") == "replied" for entry in moves)


def test_a_reply_to_a_follow_up_matches_through_its_message_id(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("tom.harris@guide-example.co.uk", "pitch-en-gb-1.outreach@agency.test",
                      followup_ids=("followup-en-gb-1-1.outreach@agency.test",))
    account.append("INBOX", mail.raw("reply_gmail_en_html.eml"))
    _sync(mail, imap_box)
    assert _events(mail) == [("reply", "tom.harris@guide-example.co.uk", sent.request_id, "in-reply-to")]
    assert _state(mail, sent.request_id, sent.prospect_id)[0] == "replied"


def test_replies_from_several_clients_and_languages(mail: MailWorld, account: Account,
                                                    imap_box: ImapMailbox) -> None:
    cases = {"reply_outlook_de.eml": ("j.weber@ratgeber-beispiel.de", "pitch-de-de-1"),
             "reply_apple_fr.eml": ("claire@magazine-exemple.fr", "pitch-fr-fr-1"),
             "reply_thunderbird_pt.eml": ("rafael@portal-exemplo.com.br", "pitch-pt-br-1"),
             "reply_outlook_en_quoted_optout.eml": ("priya.shah@money-example.co.uk", "pitch-en-gb-2")}
    sent = {name: mail.pitch(email, f"{fixture}.outreach@agency.test", market="es-ES")
            for name, (email, fixture) in cases.items()}
    account.append("INBOX", *(mail.raw(name) for name in cases))
    report = _sync(mail, imap_box)
    assert report.events == {"reply": 4}
    for name, item in sent.items():
        assert _state(mail, item.request_id, item.prospect_id) == ("replied", "replied", False), name
    how = {address: matched for _, address, _, matched in _events(mail)}
    assert how["claire@magazine-exemple.fr"] == "references"  # Apple Mail sent no In-Reply-To here


def test_auto_replies_change_nothing(mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("sofia@revista-ejemplo.com.ar", "pitch-es-ar-1.outreach@agency.test")
    ooo = mail.pitch("rafael@portal-exemplo.com.br", "pitch-pt-br-1.outreach@agency.test")
    account.append("INBOX", mail.raw("auto_submitted_es.eml"), mail.raw("auto_ooo_text_pt.eml"))
    assert _sync(mail, imap_box).events == {"auto-reply": 2}
    for item in (sent, ooo):
        assert _state(mail, item.request_id, item.prospect_id) == ("sent", "pitched", False)
        assert [state for _, state, _ in mail.outbox(item.request_id)] == ["sent", "scheduled"]
        assert mail.booked(item.request_id) == 1


def test_a_hard_bounce_suppresses_the_address_and_closes_the_request(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("ghost@diario-ejemplo.com.mx", "pitch-es-mx-2.outreach@agency.test")
    soft = mail.pitch("redaccion@revista-ejemplo.com.ar", "pitch-es-ar-2.outreach@agency.test")
    account.append("INBOX", mail.raw("dsn_postfix_hard.eml"), mail.raw("dsn_postfix_delayed.eml"))
    assert _sync(mail, imap_box).events == {"hard-bounce": 1, "soft-bounce": 1}
    assert _state(mail, sent.request_id, sent.prospect_id)[0] == "lost"
    assert mail.outbox(sent.request_id)[1:] == [(1, "stopped", "bounce")]
    assert mail.booked(sent.request_id) == 0
    assert _state(mail, soft.request_id, soft.prospect_id)[0] == "sent"
    assert [state for _, state, _ in mail.outbox(soft.request_id)] == ["sent", "scheduled"]
    assert mail.booked(soft.request_id) == 1
    with mail.world.store.transaction() as session:
        blocklist = dnc.Blocklist.load(session)
        assert blocklist.suppresses("ghost@diario-ejemplo.com.mx")
        assert not blocklist.suppresses("redaccion@revista-ejemplo.com.ar")
        outcomes = session.exec(select(SendLogEntry.outbox_id, SendLogEntry.outcome)
                                .where(SendLogEntry.outcome.in_(["bounced", "deferred"]))).all()
        assert sorted(outcomes) == sorted([(sent.pitch.id, "bounced"), (soft.pitch.id, "deferred")])


def test_bounces_without_our_message_id_match_by_recipient(mail: MailWorld, account: Account,
                                                           imap_box: ImapMailbox) -> None:
    sent = mail.pitch("jornal@jornal-exemplo.com.br", "never-quoted@agency.test")
    stranger = "niemand@zeitung-beispiel.de"
    account.append("INBOX", mail.raw("dsn_policy_block.eml"), mail.raw("bounce_exchange_text.eml"))
    assert _sync(mail, imap_box).events == {"soft-bounce": 1, "hard-bounce": 1}
    events = {kind: (address, request, how) for kind, address, request, how in _events(mail)}
    assert events["soft-bounce"] == ("jornal@jornal-exemplo.com.br", None, "recipient")
    assert events["hard-bounce"] == (stranger, None, None)
    with mail.world.store.transaction() as session:
        assert dnc.Blocklist.load(session).suppresses(stranger)
        [event] = mailbox_events.for_prospect(session, sent.prospect_id)
        assert event.detail["status"] == "5.7.1"


def test_an_unsubscribe_reply_puts_the_address_on_do_not_contact(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    plain = mail.pitch("priya.shah@money-example.co.uk", "pitch-en-gb-2.outreach@agency.test")
    account.append("INBOX", mail.raw("unsub_es.eml"), mail.raw("unsub_en_subject.eml"))
    assert _sync(mail, imap_box).events == {"unsubscribe": 2}
    assert _state(mail, sent.request_id, sent.prospect_id) == ("lost", "do-not-contact", True)
    assert mail.outbox(sent.request_id)[1:] == [(1, "stopped", "unsubscribe")]
    assert mail.booked(sent.request_id) == 0
    assert _state(mail, plain.request_id, plain.prospect_id)[1:] == ("do-not-contact", True)
    with mail.world.store.transaction() as session:
        entries = {entry.value: entry.reason for entry in session.exec(select(DoNotContact)).all()}
        assert entries["laura.mendez@diario-ejemplo.com.mx"] == "unsubscribe reply (es: 'denme de baja')"
        assert "priya.shah@money-example.co.uk" in entries


def test_unknown_senders_are_not_recorded(mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    account.append("INBOX", mail.raw("reply_gmail_es.eml"), mail.raw("unsub_de.eml"))
    report = _sync(mail, imap_box)
    assert report.folders[0].read == 2 and report.events == {}
    with mail.world.store.transaction() as session:
        assert session.exec(select(DoNotContact)).all() == []


def test_syncing_twice_changes_nothing(mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    mail.pitch("ghost@diario-ejemplo.com.mx", "pitch-es-mx-2.outreach@agency.test")
    account.append("INBOX", mail.raw("reply_gmail_es.eml"), mail.raw("dsn_postfix_hard.eml"),
                   mail.raw("auto_subject_en.eml"), mail.raw("reply_apple_fr.eml"))
    first = _sync(mail, imap_box)
    assert first.folders[0].read == 4
    before = (_events(mail), _counts(mail))
    second = _sync(mail, imap_box)
    assert (second.folders[0].read, second.events) == (0, {})
    assert (_events(mail), _counts(mail)) == before
    account.append("INBOX", mail.raw("unsub_es.eml"))
    third = _sync(mail, imap_box)
    assert (third.folders[0].read, third.events) == (1, {"unsubscribe": 1})
    assert _state(mail, sent.request_id, sent.prospect_id)[2] is True


def test_a_new_uidvalidity_rescans_without_duplicating_events(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    box = imap_box.model_copy(update={"folders": ("Replies",)})
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    account.append("Replies", mail.raw("reply_gmail_es.eml"), mail.raw("auto_ooo_text_es_outlook.eml"))
    first = _sync(mail, box)
    before = (_events(mail), _counts(mail))
    account.recreate("Replies")
    account.append("Replies", mail.raw("auto_ooo_text_es_outlook.eml"), mail.raw("reply_gmail_es.eml"),
                   mail.raw("unsub_es.eml"))
    second = _sync(mail, box)
    [folder] = second.folders
    assert folder.rescanned and folder.uidvalidity != first.folders[0].uidvalidity
    assert (folder.read, folder.events) == (3, {"unsubscribe": 1})
    assert _events(mail)[:2] == before[0]
    with mail.world.store.transaction() as session:
        state = session.exec(select(MailboxFolder)).one()
        assert (state.uidvalidity, state.last_uid, state.messages_seen) == (folder.uidvalidity, 3, 5)
    assert _state(mail, sent.request_id, sent.prospect_id)[2] is True


def test_uncertain_messages_found_in_sent_are_settled(mail: MailWorld, account: Account,
                                                      imap_box: ImapMailbox) -> None:
    found = mail.pitch("ana@diario-uno.mx", "u1@agency.test", state="uncertain")
    missing = mail.pitch("beto@diario-dos.mx", "u2@agency.test", state="uncertain")
    account.append("Sent", found.pitch.content)
    report = _sync(mail, imap_box)
    assert report.resolved == [found.pitch.message_id]
    with mail.world.store.transaction() as session:
        settled, waiting = session.get(OutboxMessage, found.pitch.id), session.get(OutboxMessage, missing.pitch.id)
        assert (settled.state, settled.resolution, settled.resolved_by) == ("sent", "delivered", "tester")
        assert waiting.state == "uncertain"
    assert _state(mail, found.request_id, found.prospect_id)[0] == "sent"
    assert _sync(mail, imap_box).resolved == []


def test_a_message_that_cannot_be_applied_is_an_error_event_and_the_rest_goes_on(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    other = mail.pitch("j.weber@ratgeber-beispiel.de", "pitch-de-de-1.outreach@agency.test")
    broken = mail.raw("unsub_es.eml").replace(b"From: Laura M\xc3\xa9ndez <laura.mendez@diario-ejemplo.com.mx>",
                                              b"From: <laura..mendez@diario-ejemplo.com.mx>")
    account.append("INBOX", broken, mail.raw("reply_outlook_de.eml"))
    report = _sync(mail, imap_box)
    assert report.events == {"error": 1, "reply": 1}
    with mail.world.store.transaction() as session:
        [error] = session.exec(select(InboundEvent).where(InboundEvent.kind == "error")).all()
        assert (error.folder, error.uid) == ("INBOX", 1) and "laura..mendez" in error.detail["error"]
        assert session.exec(select(DoNotContact)).all() == []  # the failed message left nothing behind
    assert _state(mail, sent.request_id, sent.prospect_id)[0] == "sent"
    assert _state(mail, other.request_id, other.prospect_id)[0] == "replied"
    assert _sync(mail, imap_box).events == {}


def test_a_mailbox_that_cannot_be_reached_is_reported_and_others_still_sync(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    account.append("INBOX", mail.raw("reply_gmail_es.eml"))
    down = imap_box.model_copy(update={"name": "down", "port": 1, "timeout": 2})
    report = imap_sync.sync(mail.world.store, [down, imap_box], campaign_id=mail.world.campaign_id)
    assert len(report.failures) == 1 and "mailbox 'down'" in report.failures[0]
    assert _state(mail, sent.request_id, sent.prospect_id)[0] == "replied"


def test_progress_is_reported_per_batch(mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    account.append("INBOX", *(mail.raw(name) for name in ("reply_gmail_es.eml", "reply_apple_fr.eml",
                                                          "unsub_fr.eml", "unsub_pt.eml")))
    seen: list[tuple[int, int]] = []
    imap_sync.sync(mail.world.store, [imap_box], progress=lambda where: seen.append((where.done, where.total)))
    assert seen == [(0, 4), (3, 4), (4, 4)]  # batches of three


def _counts(mail: MailWorld) -> tuple[int, ...]:
    """Rows of every table a sync may write, to show a second sync writes none."""
    with mail.world.store.transaction() as session:
        return tuple(len(session.exec(select(model)).all())
                     for model in (InboundEvent, DoNotContact, Suppression, SendLogEntry))


def test_a_reply_to_an_uncertain_pitch_proves_it_was_delivered(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test", state="uncertain")
    account.append("INBOX", mail.raw("reply_gmail_es.eml"))
    assert _sync(mail, imap_box).events == {"reply": 1}
    with mail.world.store.transaction() as session:
        pitch = session.get(OutboxMessage, sent.pitch.id)
        assert (pitch.state, pitch.resolution) == ("sent", "delivered")
    assert _state(mail, sent.request_id, sent.prospect_id) == ("replied", "replied", False)
    assert mail.outbox(sent.request_id)[1:] == []  # nothing was composed after an uncertain pitch
    assert mail.booked(sent.request_id) == 0


def test_two_syncs_at_once_record_each_message_once(mail: MailWorld, account: Account,
                                                    imap_box: ImapMailbox) -> None:
    import threading

    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    mail.pitch("ghost@diario-ejemplo.com.mx", "pitch-es-mx-2.outreach@agency.test")
    account.append("INBOX", mail.raw("reply_gmail_es.eml"), mail.raw("dsn_postfix_hard.eml"),
                   mail.raw("auto_subject_en.eml"), mail.raw("unsub_es.eml"))
    reports: list[imap_sync.SyncReport] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        reports.append(_sync(mail, imap_box))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(reports) == 2 and all(report.failures == [] for report in reports)
    assert sorted(kind for kind, *_ in _events(mail)) == ["hard-bounce", "reply", "unsubscribe"]
    assert _state(mail, sent.request_id, sent.prospect_id)[2] is True
    with mail.world.store.transaction() as session:
        state = session.exec(select(MailboxFolder)).one()
        assert (state.last_uid, state.messages_seen) == (4, 4)
