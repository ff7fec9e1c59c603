"""The plain-address shortcut of expert/emails.py never accepts what email-validator refuses:
it only spares the package's checks on addresses the package accepts anyway."""

from __future__ import annotations

import random

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expert.emails import PLAIN, NotAnAddress, check, plain
from strategies import examples


def accepted(text: str) -> bool:
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(PLAIN, fullmatch=True))
def test_every_plain_address_is_one_that_email_validator_accepts(text):
    if plain(text):
        assert accepted(text), text


def test_addresses_near_the_edges_are_plain_only_when_email_validator_accepts_them():
    """Random addresses built from the characters where the rules differ: dots, hyphens,
    digits, capitals, a second @, non-ASCII letters, reserved names, long labels."""
    rng = random.Random(14)
    odd = [".", "-", "_", "+", "@", "é", "Z", "xn", "--", "ab--", "test", "local", "invalid", "onion", "arpa",
           "localhost", "a" * 63, "b" * 64, " ", "\u200b", "9"]
    common = ["a", "b", "c", "0", "x", "example", "com"]
    plain_count = 0
    for _ in range(20_000):
        def piece():
            return rng.choice(odd if rng.random() < 0.15 else common)
        local = "".join(piece() for _ in range(rng.randint(0, 4)))
        domain = ".".join("".join(piece() for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(1, 4)))
        text = f"{local}@{domain}"
        if plain(text):
            plain_count += 1
            assert accepted(text), text
    assert plain_count > 500  # the shortcut is taken often enough to be tested


@pytest.mark.parametrize("text", [
    "jean@atelier-martin.example", "sophie@boulangerie-durand.example", "a+b@x.co.uk", "a_b.c@d1.fr",
    "contact9@client9.example", "x@y.z9a",
])
def test_common_addresses_take_the_shortcut(text):
    assert plain(text) and accepted(text)


@pytest.mark.parametrize("text", [
    "Foo.Bar@Example.COM",          # valid, but email-validator lowercases the domain: checked its way
    "a@xn--bcher-kva.example",      # Punycode: checked its way
    "é@x.example", "a@é.example",   # international
    "a@ab--c.example", "a@-x.example", "a@x-.example", "a..b@x.example", ".a@x.example", "a.@x.example",
    "a@x.123", "a@localhost", "a@x.test", "a@x.invalid", "a@mail.local", "a@x", "a@@x.example",
    "a@" + "b" * 64 + ".example", "a" * 250 + "@x.example", "a b@x.example", "",
])
def test_anything_else_is_left_to_email_validator(text):
    assert not plain(text)
    with_check = without = None
    try:
        check(text)
    except NotAnAddress as why:
        with_check = str(why)
    if not accepted(text):
        try:
            validate_email(text, check_deliverability=False)
        except EmailNotValidError as why:
            without = str(why).rstrip(".")
    assert with_check == without  # the same verdict and, when refused, the same reason
