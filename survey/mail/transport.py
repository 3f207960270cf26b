"""Ways a rendered message leaves Heard: an SMTP server, or a folder of .eml files."""

from __future__ import annotations

import functools
import os
import re
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from survey.mail.rendering import OutgoingMail


class SendError(Exception):
    """A message the transport could not hand over; the message says why."""


class TransientSendError(SendError):
    """Worth trying again later: SMTP 4xx, a dropped connection, a timeout."""

    def __init__(self, message: str, *, connection_lost: bool = False) -> None:
        super().__init__(message)
        #: True when the server is gone: the rest of the batch cannot go out either.
        self.connection_lost = connection_lost


class PermanentSendError(SendError):
    """The server refused for good (SMTP 5xx): retrying would only annoy it."""


class MailConnection(Protocol):
    """An open channel that sends messages one by one."""

    def send(self, mail: OutgoingMail) -> None:
        """Hand one message over, or raise a SendError subclass."""


class Transport(Protocol):
    """Something that opens a MailConnection for a batch."""

    def connect(self) -> Any:
        """Return a context manager that yields a MailConnection."""


def _smtp_error(code: int, text: bytes | str) -> SendError:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    message = f"{code} {detail}".strip()
    if 400 <= code < 500:
        # 421: the server is closing the session, so the batch needs a new connection.
        return TransientSendError(message, connection_lost=code == 421)
    if 500 <= code < 600:
        return PermanentSendError(message)
    return TransientSendError(message, connection_lost=True)


class SMTPConnection:
    """One SMTP session, reused for every message of a batch."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self._smtp = smtp

    def send(self, mail: OutgoingMail) -> None:
        """Send one message over the open session."""
        try:
            self._smtp.sendmail(mail.sender, [mail.recipient], mail.data)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _smtp_error(code, text) from None
        except smtplib.SMTPResponseException as error:
            raise _smtp_error(error.smtp_code, error.smtp_error) from None
        except (smtplib.SMTPException, OSError) as error:
            raise TransientSendError(_describe(error), connection_lost=True) from None


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class SMTPTransport:
    """Send through an SMTP server, with STARTTLS or implicit TLS and optional login."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        user: str = "",
        password: str = "",
        starttls: bool = False,
        use_ssl: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.starttls = starttls
        self.use_ssl = use_ssl
        self.timeout = timeout

    @functools.cached_property
    def _tls_context(self) -> ssl.SSLContext:
        # Loading the CA bundle takes tens of milliseconds: once per worker, not per batch.
        return ssl.create_default_context()

    def _open(self) -> smtplib.SMTP:
        smtp: smtplib.SMTP
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._tls_context
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls and not self.use_ssl:
                smtp.starttls(context=self._tls_context)
            if self.user:
                smtp.login(self.user, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    @contextmanager
    def connect(self) -> Iterator[SMTPConnection]:
        """Open one SMTP session for a batch and close it politely afterwards."""
        try:
            smtp = self._open()
        except smtplib.SMTPAuthenticationError as error:
            # A wrong password is an operator's mistake: retrying later is right, loudly.
            raise TransientSendError(
                f"SMTP login refused: {_describe(error)}", connection_lost=True
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise TransientSendError(
                f"cannot reach {self.host}:{self.port}: {_describe(error)}", connection_lost=True
            ) from None
        try:
            yield SMTPConnection(smtp)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class FileConnection:
    """Write each message to its own .eml file."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def send(self, mail: OutgoingMail) -> None:
        """Write the message atomically, named by time and label."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{_UNSAFE.sub('_', mail.label)}.eml"
        temporary = self._folder / f".{name}.tmp"
        try:
            temporary.write_bytes(mail.data)
            # The dev mail page never sees a half-written file.
            os.replace(temporary, self._folder / name)
        except OSError as error:
            raise TransientSendError(_describe(error), connection_lost=True) from None


class FileTransport:
    """Keep mail in a folder instead of sending it (development without SMTP)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextmanager
    def connect(self) -> Iterator[FileConnection]:
        """Make sure the folder exists and yield a connection that writes into it."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TransientSendError(_describe(error), connection_lost=True) from None
        yield FileConnection(self.folder)


def dev_mail_folder(instance_path: str) -> Path:
    """Return the folder where the file transport keeps messages."""
    return Path(instance_path) / "mail"


def transport_from_config(config: Mapping[str, Any], instance_path: str) -> Transport:
    """Return the SMTP transport when SMTP_HOST is set, else the file transport."""
    host = str(config.get("SMTP_HOST") or "")
    if not host:
        return FileTransport(dev_mail_folder(instance_path))
    return SMTPTransport(
        host,
        int(config["SMTP_PORT"]),
        user=str(config.get("SMTP_USER") or ""),
        password=str(config.get("SMTP_PASSWORD") or ""),
        starttls=bool(config.get("SMTP_STARTTLS")),
        use_ssl=bool(config.get("SMTP_SSL")),
        timeout=float(config["SMTP_TIMEOUT_SECONDS"]),
    )
