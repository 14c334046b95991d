"""Typed user settings, read from the environment (`OUTREACH_*`) and the user's settings.toml."""

from __future__ import annotations

import getpass
import tomllib
from datetime import date
from email.utils import parseaddr
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from outreach import locations
from outreach.core.imap_settings import ImapMailbox, ImapSecurity
from outreach.core.send_accounts import MailboxSettings, Security
from outreach.errors import ConfigError


def _login_name() -> str:
    """The operating-system user, the default author of audit entries."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Settings(BaseSettings):
    """Everything a user may set; environment variables win over settings.toml."""

    model_config = SettingsConfigDict(env_prefix="OUTREACH_", extra="forbid", frozen=True)

    user: str = Field(default_factory=_login_name, min_length=1)
    """Name recorded in the audit log for every change this user makes."""

    database_url: str | None = None
    """SQLAlchemy URL of the store; unset means the SQLite file in the user's data folder."""

    campaign: Path = Path(".")
    """Workspace folder that holds campaign.toml, locales/, briefs/ and prospects/."""

    auto_migrate: bool = True
    """Bring the database schema to the head revision whenever the store is opened."""

    mailboxes: tuple[MailboxSettings, ...] = ()
    """Sending mailboxes ([[mailboxes]] in settings.toml), each with its own server, sender and caps."""

    smtp_host: str | None = None
    """OUTREACH_SMTP_HOST: server of a default mailbox configured from the environment alone."""
    smtp_port: int | None = None
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    """OUTREACH_SMTP_PASSWORD: read from the environment, never written to the store."""
    smtp_security: Security = "starttls"
    """OUTREACH_SMTP_SECURITY: `none`, `starttls` or `tls`."""
    smtp_from: str | None = Field(None, validation_alias=AliasChoices("smtp_from", "OUTREACH_FROM"))
    """OUTREACH_FROM: the default mailbox's From address (`Name <a@b.com>` or `a@b.com`)."""

    imap_mailboxes: tuple[ImapMailbox, ...] = ()
    """Mailboxes `outreach mailbox sync` reads replies and bounces from (`[[imap_mailboxes]]`)."""
    imap_host: str | None = None
    """With the other `imap_*` values: one more mailbox, named `default`, from OUTREACH_IMAP_* variables."""
    imap_port: int | None = None
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_security: ImapSecurity = "tls"
    imap_since: date | None = None
    """OUTREACH_IMAP_SINCE: the `default` mailbox's `since` (first syncs skip older mail)."""
    imap_sync_minutes: int = Field(10, ge=0)
    """How often the app syncs the mailboxes in the background; 0 syncs only when asked."""

    @field_validator("imap_mailboxes")
    @classmethod
    def _distinct_imap_names(cls, boxes: tuple[ImapMailbox, ...]) -> tuple[ImapMailbox, ...]:
        """Sync state is kept per mailbox name, so two mailboxes may not share one."""
        names = [box.name for box in boxes]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"two IMAP mailboxes are named {', '.join(repeated)}: give each its own name")
        return boxes

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Read explicit values first, then the environment, then settings.toml."""
        toml_source = TomlConfigSettingsSource(settings_cls, toml_file=locations.settings_file())
        return (init_settings, env_settings, toml_source)

    def sending_mailboxes(self) -> tuple[MailboxSettings, ...]:
        """The configured mailboxes, then the default one from OUTREACH_SMTP_* when its host is set."""
        if not self.smtp_host:
            return self.mailboxes
        if not self.smtp_from:
            raise ConfigError("OUTREACH_SMTP_HOST is set but OUTREACH_FROM is not: name the From address")
        name, address = parseaddr(self.smtp_from)
        try:
            default = MailboxSettings(name="env" if self.mailboxes else "default", host=self.smtp_host,
                                      port=self.smtp_port, security=self.smtp_security, user=self.smtp_user,
                                      password=self.smtp_password, from_address=address or self.smtp_from,
                                      from_name=name)
        except ValidationError as exc:
            raise ConfigError("OUTREACH_SMTP_* / OUTREACH_FROM: " + _describe(exc)) from exc
        return (*self.mailboxes, default)

    def imap_accounts(self) -> tuple[ImapMailbox, ...]:
        """The configured mailboxes, plus the one from OUTREACH_IMAP_* when its host is set."""
        if not self.imap_host:
            return self.imap_mailboxes
        if not self.imap_user or self.imap_password is None:
            raise ConfigError("OUTREACH_IMAP_HOST is set: OUTREACH_IMAP_USER and OUTREACH_IMAP_PASSWORD are "
                              "needed too")
        try:
            default = ImapMailbox(host=self.imap_host, port=self.imap_port, user=self.imap_user,
                                  password=self.imap_password, security=self.imap_security,
                                  since=self.imap_since)
        except ValidationError as exc:
            raise ConfigError(f"OUTREACH_IMAP_*: {_describe(exc)}") from None
        if any(box.name == default.name for box in self.imap_mailboxes):
            raise ConfigError("OUTREACH_IMAP_HOST adds a mailbox named 'default', and settings already "
                              "name one so: rename that one")
        return (*self.imap_mailboxes, default)

    def database_url_or_default(self) -> str:
        """The configured store URL, or the per-user SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{locations.default_database_path()}"


def load_settings(**overrides: object) -> Settings:
    """Read settings, naming the file or variable behind any invalid value."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{locations.settings_file()}: {exc}") from exc


def _describe(exc: ValidationError) -> str:
    """One line per invalid setting, naming where it may have come from."""
    where = f"{locations.settings_file()} or OUTREACH_* environment"
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        lines.append(f"{where}: {key}: {error['msg']}")
    return "\n".join(lines)
