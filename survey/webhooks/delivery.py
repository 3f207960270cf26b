"""Delivering webhook events: signing, refusing private addresses, posting, retrying.

Every request carries ``Heard-Signature: t=<unix time>,v1=<hex>``, where the hex is
HMAC-SHA256 of ``"<t>.<body>"`` under the endpoint's secret (docs/webhooks.md). Addresses are
checked when the endpoint is registered and again before every delivery, and the request
connects to the very address that was checked, so a DNS answer that changes in between
cannot point a delivery at the internal network.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import SplitResult, urlsplit

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Heard-Signature"
USER_AGENT = "Heard-Webhooks/1"
#: Statuses worth retrying among the 4xx: the receiver was slow or asked us to slow down.
RETRYABLE_CLIENT_ERRORS = {408, 429}


@dataclass(frozen=True)
class WebhookSettings:
    """How deliveries are made, read once per worker."""

    timeout_seconds: float = 10.0
    allow_private: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WebhookSettings:
        """Read SURVEY_WEBHOOK_TIMEOUT_SECONDS and SURVEY_WEBHOOKS_ALLOW_PRIVATE."""
        return cls(
            timeout_seconds=float(config["SURVEY_WEBHOOK_TIMEOUT_SECONDS"]),
            allow_private=bool(config["SURVEY_WEBHOOKS_ALLOW_PRIVATE"]),
        )


class UnsafeWebhookURLError(ValueError):
    """A URL Heard refuses to call; the message says why."""


class UnresolvableHostError(ValueError):
    """The URL's host name has no address right now."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the Heard-Signature header value for a body sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify_signature(
    secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None
) -> bool:
    """Return whether a Heard-Signature header is valid and recent (what a receiver does)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


#: IPv6 ranges whose last 32 bits are an IPv4 address that a gateway or the host itself will
#: reach: IPv4-compatible (``::a.b.c.d``, deprecated but still routed by some stacks) and the
#: NAT64 well-known prefix. Python counts both as global, so the embedded address is checked.
_IPV4_IN_LOW_BITS = (ipaddress.ip_network("::/96"), ipaddress.ip_network("64:ff9b::/96"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Return the IPv4 addresses an IPv6 address carries (mapped, compatible, NAT64, 6to4...)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if any(ip in network for network in _IPV4_IN_LOW_BITS):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def _is_public(address: str) -> bool:
    """Return whether an address, and every IPv4 address embedded in it, is globally routable."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates += _embedded_ipv4(ip)
    return all(c.is_global and not c.is_multicast for c in candidates)


def check_url(url: str, *, allow_private: bool) -> SplitResult:
    """Return the parsed URL when its form is acceptable, else raise UnsafeWebhookURLError."""
    parts = urlsplit(url.strip())
    allowed_schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in allowed_schemes:
        raise UnsafeWebhookURLError("url: only https:// URLs are accepted")
    if not parts.hostname:
        raise UnsafeWebhookURLError("url: a host name is required")
    if parts.username or parts.password:
        raise UnsafeWebhookURLError("url: credentials in the URL are not accepted")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise UnsafeWebhookURLError("url: the port is not a number from 1 to 65535") from None
    return parts


def resolve_safely(parts: SplitResult, *, allow_private: bool) -> list[str]:
    """Return the addresses a URL's host resolves to, refusing non-public ones."""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvableHostError(f"url: cannot resolve {parts.hostname}: {error}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        refused = [a for a in addresses if not _is_public(a)]
        if refused:
            raise UnsafeWebhookURLError(
                f"url: {parts.hostname} resolves to a loopback, private or link-local address "
                f"({', '.join(refused)}); set SURVEY_WEBHOOKS_ALLOW_PRIVATE=true to allow it"
            )
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand, whatever DNS says now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; the certificate must match the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post_json(
    parts: SplitResult, address: str, body: bytes, headers: dict[str, str], timeout: float
) -> int:
    """POST a body to the checked address and return the HTTP status (redirects not followed)."""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(str(parts.hostname), port, address, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return int(response.status)
    finally:
        connection.close()


def event_body(delivery_id: int, event: str, created_at: datetime, payload: Any) -> bytes:
    """Return the JSON body of a delivery (identical on every retry)."""
    document = {
        "id": f"delivery_{delivery_id}",
        "event": event,
        "created_at": created_at.isoformat(),
        "data": payload,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Attempt:
    """One claimed delivery with its endpoint, read in one query."""

    delivery_id: int
    event: str
    payload: Any
    created_at: datetime
    attempts: int
    url: str
    secret: str
    active: bool


class DeliveryOutcome:
    """What an attempt came to."""

    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"


def attempt_delivery(
    attempt: Attempt, *, timeout: float, allow_private: bool
) -> tuple[str, int | None, str | None]:
    """Try one delivery; return (outcome, HTTP status, error)."""
    if not attempt.active:
        return DeliveryOutcome.FAILED, None, "the endpoint is disabled"
    body = event_body(attempt.delivery_id, attempt.event, attempt.created_at, attempt.payload)
    try:
        parts = check_url(attempt.url, allow_private=allow_private)
        addresses = resolve_safely(parts, allow_private=allow_private)
    except UnsafeWebhookURLError as error:
        return DeliveryOutcome.FAILED, None, f"refused: {error}"
    except UnresolvableHostError as error:
        return DeliveryOutcome.RETRY, None, str(error)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Heard-Event": attempt.event,
        "Heard-Delivery": str(attempt.delivery_id),
        SIGNATURE_HEADER: sign(attempt.secret, int(time.time()), body),
    }
    try:
        status = post_json(parts, addresses[0], body, headers, timeout)
    except (OSError, http.client.HTTPException) as error:
        return DeliveryOutcome.RETRY, None, f"{type(error).__name__}: {error}"
    if 200 <= status < 300:
        return DeliveryOutcome.DELIVERED, status, None
    if status >= 500 or status in RETRYABLE_CLIENT_ERRORS:
        return DeliveryOutcome.RETRY, status, f"HTTP {status}"
    return DeliveryOutcome.FAILED, status, f"HTTP {status}"
