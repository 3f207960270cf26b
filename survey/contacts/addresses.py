"""Email addresses: one rule for every way in (staff accounts, invitations, the API, CSV).

An internationalised domain (IDNA) is kept as people write it and sent in punycode, the ASCII
form every SMTP server accepts. Characters other than ASCII before the @ would need SMTPUTF8
from every server on the way, and most receiving servers do not offer it: such an address is
refused when it comes in, with a message that says so, rather than accepted and then failing
when the email goes.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from survey.contacts.services import normalize_email

#: Why an address with a non-ASCII local part is refused (intake) or not sent (older rows).
NON_ASCII_LOCAL_PART = (
    "has characters other than ASCII before the @, which mail servers do not accept "
    "reliably (SMTPUTF8): use an ASCII address"
)


class AddressError(ValueError):
    """An email address Heard cannot store or send; the message says why."""


def checked_email(value: str) -> str:
    """Return the address as stored (trimmed, lower-cased, domain in Unicode) or raise."""
    address = value.strip()
    local = address.rpartition("@")[0]
    if not local.isascii():
        raise AddressError(NON_ASCII_LOCAL_PART)
    try:
        result = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise AddressError(str(error)) from None
    return normalize_email(result.normalized)


def smtp_address(email: str) -> str:
    """Return the address as it goes in RCPT TO and the To header: the domain in punycode."""
    if email.isascii():
        return email  # the common case, without a second validation per message
    if not email.rpartition("@")[0].isascii():
        raise AddressError(f"the address {NON_ASCII_LOCAL_PART}")
    try:
        ascii_email = validate_email(email, check_deliverability=False).ascii_email
    except EmailNotValidError as error:
        raise AddressError(f"the address cannot be sent: {error}") from None
    if ascii_email is None:  # pragma: no cover - the local part was checked above
        raise AddressError(f"the address {NON_ASCII_LOCAL_PART}")
    return ascii_email
