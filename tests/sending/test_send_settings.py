"""Sending settings: campaign.toml's [sending] with market overrides, and mailboxes in settings.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli_w

from outreach import locations
from outreach.core.campaign_file import load_campaign
from outreach.errors import CampaignError, ConfigError
from outreach.settings import load_settings
from tests.sending.world import sending_campaign


def test_markets_override_the_campaign_s_sending_settings(write_campaign: Any) -> None:
    data = sending_campaign(followups=[3, 5], reply_prefix="RE: ")
    data["markets"]["es-ES"]["sending"] = {"followups": [2]}
    campaign = load_campaign(write_campaign(data))
    assert campaign.sending_for("es-MX").followups == (3, 5)
    assert campaign.sending_for("es-ES").followups == (2,)
    assert campaign.sending_for("es-ES").reply_prefix == "RE: "


@pytest.mark.parametrize(("where", "value", "message"), [
    ("sending", {"followups": [0]}, "campaign.toml: sending.followups: follow-up delays are 1 to 5"),
    ("sending", {"unsubscribe_url": "http://x.com/u"}, "must be an https:// URL containing {token}"),
    ("sending", {"reply_prefix": "Re:\r\nBcc: x@y.z"}, "header values must be one line"),
    ("sending", {"retry": 3}, "sending.retry"),
    ("market", {"followups": [-1]}, "markets.es-MX.sending: followups: follow-up delays are 1 to 5"),
], ids=["zero-delay", "plain-http", "crlf-prefix", "unknown-key", "market-override"])
def test_bad_sending_settings_name_the_key(write_campaign: Any, where: str, value: dict[str, Any],
                                           message: str) -> None:
    data = sending_campaign()
    if where == "market":
        data["markets"]["es-MX"]["sending"] = value
    else:
        data["sending"] = value
    with pytest.raises(CampaignError) as caught:
        load_campaign(write_campaign(data))
    assert message in str(caught.value)


def write_settings(content: dict[str, Any]) -> Path:
    path = locations.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(content), encoding="utf-8")
    return path


def test_several_mailboxes_each_with_caps_come_from_settings_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    write_settings({"mailboxes": [
        {"name": "mx", "host": "smtp.site.com", "from_address": "lucia@site.com", "daily_cap": 40},
        {"name": "es", "host": "smtp.site.com", "port": 465, "security": "tls", "from_address": "marta@site.es",
         "hourly_cap": 10, "bounce_threshold": 0.02}]})
    boxes = load_settings().sending_mailboxes()
    assert [(box.name, box.smtp_port, box.daily_cap, box.hourly_cap) for box in boxes] == [
        ("mx", 587, 40, None), ("es", 465, 50, 10)]
    monkeypatch.setenv("OUTREACH_SMTP_HOST", "smtp.other.com")
    monkeypatch.setenv("OUTREACH_FROM", "press@other.com")
    assert [box.name for box in load_settings().sending_mailboxes()] == ["mx", "es", "env"]


def test_a_mailbox_with_a_line_break_in_its_from_name_is_refused() -> None:
    write_settings({"mailboxes": [{"host": "smtp.site.com", "from_address": "lucia@site.com",
                                   "from_name": "Lucía\r\nBcc: evil@x.com"}]})
    with pytest.raises(ConfigError, match="from_name"):
        load_settings()
