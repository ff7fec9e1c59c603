"""E-mail addresses: their syntax, checked by the maintained email-validator package (no DNS
look-up: a draft is written offline), rather than by a regular expression of our own."""

from __future__ import annotations

import re

# The plainest addresses, which email-validator accepts whatever it would say of the rest: an
# ASCII dot-atom before the @ and a lowercase host name after it, each label of 1 to 63
# characters that starts and ends with a letter or digit, no two hyphens in a row (Punycode and
# its look-alikes), a top-level label ending with a letter. Checking one the package's way costs
# some 40 µs (most of it its Unicode checks of the domain), and a client book holds one address
# per row; the lengths and the reserved names are checked beside the pattern.
# tests/test_emails.py holds the proof.
PLAIN = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
                   r"(?:[a-z0-9][a-z0-9-]{0,61})?[a-z]\Z")
MAX_ADDRESS, MAX_DOMAIN = 254, 253


class NotAnAddress(ValueError):
    """The text is not an e-mail address; the message says why, in plain words."""


def checked(text: str) -> str | None:
    """The address in the ASCII form a mail header carries (an international domain in its
    IDNA form), None when only an SMTPUTF8 mail server could carry it (a non-ASCII name
    before the @). Raises NotAnAddress with the reason when the syntax is wrong."""
    # Imported here: compiling its patterns costs tens of milliseconds, and only case files
    # that give an address need it.
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise NotAnAddress(str(error).rstrip(".")) from None
    return result.ascii_email


def check(text: str):
    """Raise NotAnAddress, as `checked` does, unless the text is an e-mail address; a plain
    one is told by its pattern, the others by email-validator."""
    if not plain(text):
        checked(text)


def plain(text: str) -> bool:
    """An address of the plainest form (PLAIN), within the lengths, not at a reserved name:
    one that email-validator accepts as it is."""
    if len(text) > MAX_ADDRESS or not PLAIN.match(text) or "--" in text:
        return False
    domain = text[text.index("@") + 1:]
    names, suffixes = _reserved()
    return len(domain) <= MAX_DOMAIN and domain not in names and not domain.endswith(suffixes)


_RESERVED: tuple | None = None


def _reserved() -> tuple:
    """email-validator's special-use and reserved domain names (localhost, invalid, ...): as
    whole domains, and as the last labels of one."""
    global _RESERVED
    if _RESERVED is None:
        from email_validator import SPECIAL_USE_DOMAIN_NAMES

        _RESERVED = (frozenset(SPECIAL_USE_DOMAIN_NAMES), tuple("." + name for name in SPECIAL_USE_DOMAIN_NAMES))
    return _RESERVED
