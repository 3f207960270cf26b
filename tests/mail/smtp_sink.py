"""A real SMTP server on 127.0.0.1 for tests: aiosmtpd, storing what it accepts."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    """One message as the server got it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class Hold:
    """Stops the server once it has stored message number ``at``, before it answers 250.

    ``stored`` is set when that message is stored (the server has accepted it), ``release``
    lets the server answer, and ``replied`` is set once its "250 OK" has been written to the
    sender: a test can act at each of these moments without guessing at timings.
    """

    at: int
    stored: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    replied: threading.Event = field(default_factory=threading.Event)


@dataclass
class SinkHandler:
    """Stores each message, then answers with the next scripted reply (250 by default).

    ``hold`` stops the server between storing one message and answering it: a crash around
    that moment is the one case where the server has the message and the sender's database
    does not record it.
    """

    received: list[Received] = field(default_factory=list)
    #: Replies to DATA, used up one by one ("451 ..." to refuse for a while).
    replies: deque[str] = field(default_factory=deque)
    #: Recipients refused for good at RCPT, with the reply to give.
    refuse: dict[str, str] = field(default_factory=dict)
    #: Messages answered with anything but 250 at DATA (the sender was told to retry).
    refused: list[Received] = field(default_factory=list)
    hold: Hold | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            reply = self.replies.popleft() if self.replies else "250 OK"
            got = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            (self.received if reply.startswith("250") else self.refused).append(got)
            hold = self.hold if self.hold and len(self.received) == self.hold.at else None
        if hold is not None:
            hold.stored.set()
            # Waits in a thread: the server keeps serving other sessions meanwhile.
            await asyncio.get_running_loop().run_in_executor(None, hold.release.wait, 120)
            session.heard_hold = hold
        return reply


class _NotifyingSMTP(SMTP):
    """Tells a Hold once the held message's reply has been written to the sender."""

    async def push(self, status: Any) -> None:
        await super().push(status)
        hold = getattr(self.session, "heard_hold", None)
        if hold is not None:
            self.session.heard_hold = None  # type: ignore[union-attr]
            hold.replied.set()


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _NotifyingSMTP(self.handler, **self.SMTP_kwargs)


@dataclass
class Sink:
    """A running SMTP server and what it received."""

    host: str
    port: int
    handler: SinkHandler

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    @property
    def settings(self) -> dict[str, Any]:
        return {"SMTP_HOST": self.host, "SMTP_PORT": self.port}

    @property
    def env(self) -> dict[str, str]:
        return {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port)}


@contextmanager
def running_sink(handler: SinkHandler | None = None, *, smtputf8: bool = False) -> Iterator[Sink]:
    """Run an SMTP server on a free port of 127.0.0.1 while the block runs.

    ``smtputf8`` makes it offer SMTPUTF8 (RFC 6531) in its EHLO answer.
    """
    handler = handler or SinkHandler()
    port = free_port()
    controller = _Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        yield Sink("127.0.0.1", port, handler)
    finally:
        controller.stop()
