"""Mailboxes to read replies and bounces from, as settings describe them (IMAPS or STARTTLS)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

ImapSecurity = Literal["tls", "starttls"]
"""`tls`: IMAPS (implicit TLS, port 993); `starttls`: plain IMAP upgraded before login (port 143)."""


class ImapMailbox(BaseModel):
    """One mailbox read over IMAP; its password lives in settings or the environment, never in the store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("default", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
    """Short name the sync state and events are kept under."""
    host: str = Field(min_length=1, pattern=r"^[^\s\x00-\x1f\x7f]+$")
    port: int | None = Field(None, ge=1, le=65535)
    """IMAP port; 993 for `tls`, 143 for `starttls` when unset."""
    security: ImapSecurity = "tls"
    user: str = Field(min_length=1, pattern=r"^[^\r\n\x00]+$")
    password: SecretStr
    folders: tuple[str, ...] = ("INBOX",)
    """Folders where replies and bounces arrive."""
    sent_folder: str | None = None
    """Where sent copies are kept, for resolving uncertain messages; unset finds the `\\Sent` folder."""
    ca_file: Path | None = None
    """Certificate authority to trust instead of the system's (a private or self-signed server)."""
    validate_certs: bool = True
    timeout: float = Field(30.0, gt=0)
    """Seconds to wait for the server on each command."""
    batch: int = Field(50, ge=1, le=1000)
    """Messages fetched per command, and recorded per transaction."""
    since: date | None = None
    """A folder's first read (and its re-read after a UIDVALIDITY change) skips mail received before this
    date; later syncs read every new message whatever its date. `--since` overrides it."""

    @property
    def imap_port(self) -> int:
        """The port to connect to."""
        if self.port is not None:
            return self.port
        return 993 if self.security == "tls" else 143
