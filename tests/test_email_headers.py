"""The e-mail draft's headers: user text never becomes a header, whatever it holds.

The standard library decodes RFC 2047 encoded words (=?utf-8?q?...?=) when it folds a display
name, so a name written as one used to put a real line break and a Bcc: header in the draft.
Each test reads the produced bytes back with email.parser, as a mail client would.
"""

from __future__ import annotations

import email
import email.policy
from datetime import date

import pytest

from expert.advisor import Advisor
from expert.documents import Documents
from expert.errors import InputError

TODAY = date(2025, 3, 3)
INJECTIONS = [
    "=?utf-8?q?evil=0D=0ABcc:_x@evil.example?=",
    "=?utf-8?b?ZXZpbA0KQmNjOiB4QGV2aWwuZXhhbXBsZQ==?=",
    "Ann =?utf-8?q?=0D=0ACc:_y@evil.example?= Lee",
    "=?us-ascii?q?=0ABcc=3A_x=40evil.example?=",
    "Zoë =?utf-8?q?=0D=0ABcc:_x@evil.example?=",
]
FIELDS = [("client", "contact"), ("client", "name"), ("provider", "name"), ("provider", "signatory")]
EXPECTED_HEADERS = ["From", "To", "Subject", "Date", "X-Unsent", "Content-Type", "Content-Transfer-Encoding",
                    "MIME-Version"]


@pytest.fixture(scope="module")
def advisor():
    return Advisor()


def case_with(party: str, field: str, text: str) -> dict:
    case = {
        "language": "en",
        "client": {"name": "Kestrel Ltd", "email": "tom@kestrel.example"},
        "provider": {"name": "Brightline", "email": "sam@brightline.example"},
        "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing"},
    }
    case[party][field] = text
    return case


def draft(advisor, case: dict) -> bytes:
    assessment = advisor.assess(advisor.case(case))
    return Documents().letter(assessment, "eml", "termination", today=TODAY).content


@pytest.mark.parametrize("text", INJECTIONS)
@pytest.mark.parametrize("party,field", FIELDS)
def test_an_encoded_word_in_a_name_never_becomes_a_header(advisor, party, field, text):
    raw = draft(advisor, case_with(party, field, text))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert list(message.keys()) == EXPECTED_HEADERS
    assert [a.addr_spec for a in message["To"].addresses] == ["tom@kestrel.example"]
    assert [a.addr_spec for a in message["From"].addresses] == ["sam@brightline.example"]
    assert not message.defects
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"evil.example" not in head  # encoded, not written as text a reader could take for syntax
    for line in head.split(b"\r\n"):
        assert line.split(b":", 1)[0] in {h.encode() for h in EXPECTED_HEADERS} or line.startswith(b" ")
    # A reader decodes the name back to what the user typed, =? included.
    shown = message["To"] if party == "client" else message["From"]
    if field in ("contact", "signatory"):
        assert "".join(shown.addresses[0].display_name.split()) == "".join(text.split())


def test_a_plain_name_is_written_as_it_always_was(advisor):
    raw = draft(advisor, case_with("client", "contact", 'Ann "Q" O\'Neil'))
    assert b'To: "Ann \\"Q\\" O\'Neil" <tom@kestrel.example>\r\n' in raw


def test_an_encoded_word_in_the_subject_is_encoded_too(advisor):
    raw = draft(advisor, case_with("client", "name", "=?utf-8?q?x=0D=0ABcc:_x@evil.example?="))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Bcc"] is None and message["Cc"] is None
    assert list(message.keys()) == EXPECTED_HEADERS


@pytest.mark.parametrize("address", ["a@example..com", "a@.example.com", "a@example.com.."])
def test_an_address_the_validator_refuses_is_refused_at_load(advisor, address):
    with pytest.raises(InputError) as refused:
        advisor.case(case_with("client", "email", address))
    assert "client.email: expected an e-mail address like name@example.com" in str(refused.value)


def test_an_international_domain_is_written_in_its_ascii_form(advisor):
    raw = draft(advisor, case_with("client", "email", "tom@kestrél.example"))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert [a.addr_spec for a in message["To"].addresses] == ["tom@" + "kestrél.example".encode("idna").decode("ascii")]


def test_a_non_ascii_local_part_is_refused_for_a_draft_not_crashed_on(advisor):
    with pytest.raises(InputError) as refused:
        draft(advisor, case_with("client", "email", "josé@example.com"))
    assert "client.email: not an e-mail address this draft can use" in str(refused.value)
