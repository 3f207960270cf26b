"""Webhook URLs that reach this machine through an IPv6 form are refused (SSRF).

Every address here is a loopback address written another way; nothing connects to any of
them: the check resolves literals locally (getaddrinfo on a literal does no lookup).
"""

from __future__ import annotations

import pytest

from survey.webhooks.delivery import UnsafeWebhookURLError, check_url, resolve_safely

LOOPBACK_FORMS = [
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped
    "https://[::127.0.0.1]/hook",  # IPv4-compatible
    "https://[64:ff9b::7f00:1]/hook",  # NAT64 well-known prefix
    "https://[2002:7f00:1::1]/hook",  # 6to4 of 127.0.0.1
    "https://[2001:0:7f00:1:0:0:80ff:fffe]/hook",  # Teredo: server and client 127.0.0.1
    "https://127.1/hook",
    "https://0x7f000001/hook",
    "https://localhost/hook",
]


@pytest.mark.parametrize("url", LOOPBACK_FORMS)
def test_loopback_in_any_form_is_refused(url: str) -> None:
    parts = check_url(url, allow_private=False)
    with pytest.raises(UnsafeWebhookURLError, match="loopback, private or link-local"):
        resolve_safely(parts, allow_private=False)


def test_the_admin_setting_still_allows_loopback_for_local_receivers() -> None:
    parts = check_url("http://[::ffff:127.0.0.1]:8080/hook", allow_private=True)
    assert resolve_safely(parts, allow_private=True) == ["::ffff:127.0.0.1"]
