"""E-mail addresses: their syntax, checked by the maintained email-validator package (no DNS
look-up: a draft is written offline), rather than by a regular expression of our own."""

from __future__ import annotations


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
