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
class SinkHandler:
    """Stores each message, then answers with the next scripted reply (250 by default).

    ``delay`` is slept after storing and before answering: a crash in that window is the
    one case where the server has the message and the sender does not know it.
    """

    received: list[Received] = field(default_factory=list)
    #: Replies to DATA, used up one by one ("451 ..." to refuse for a while).
    replies: deque[str] = field(default_factory=deque)
    #: Recipients refused for good at RCPT, with the reply to give.
    refuse: dict[str, str] = field(default_factory=dict)
    #: Messages answered with anything but 250 at DATA (the sender was told to retry).
    refused: list[Received] = field(default_factory=list)
    delay: float = 0.0
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
        if self.delay:
            await asyncio.sleep(self.delay)
        return reply


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
def running_sink(handler: SinkHandler | None = None) -> Iterator[Sink]:
    """Run an SMTP server on a free port of 127.0.0.1 while the block runs."""
    handler = handler or SinkHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Sink("127.0.0.1", port, handler)
    finally:
        controller.stop()
