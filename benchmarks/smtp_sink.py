"""A counting SMTP sink in its own process, so its CPU is not the sender's.

``python -m benchmarks.smtp_sink`` listens on a free port of 127.0.0.1, prints the port on
its first line, then answers 250 to every message and prints the count when stdin closes.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from aiosmtpd.controller import Controller


class CountingHandler:
    """Accept every message and count them; keep nothing."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


def main() -> None:
    """Serve until stdin closes, then print how many messages arrived."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()
        print(handler.count, flush=True)


if __name__ == "__main__":
    main()
