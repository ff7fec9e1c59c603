"""Fuzzing (hypothesis): no input makes the pipeline crash, and its outputs stay valid.

- Any valid case, with hostile names and addresses, goes through assess, the three report
  formats, the memo and every letter kind and format: exactly one recommendation, JSON that
  parses, an e-mail draft the standard library parses with the right recipient and no header
  broken by user data, HTML in which user text is escaped.
- Any bytes as a file, any data as a case or a policy: either accepted or refused with an
  InputError (one clear line), never another exception.
Example counts are modest so the file runs in well under a minute.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
from datetime import date, datetime, timezone

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from expert.advisor import Advisor
from expert.case import case_from_data
from expert.emails import checked
from expert.documents import LETTER_FORMATS, MEMO_FORMATS, Documents, NoLetter
from expert.errors import InputError
from expert.files import read_document
from expert.policy import _build as build_policy
from expert.report import render
from strategies import TEXT, case_data

ADVISOR = Advisor()
KNOWLEDGE = ADVISOR.knowledge
PIPELINE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
READERS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = date(2025, 3, 14)
NOW = datetime(2025, 3, 14, 9, 0, tzinfo=timezone.utc)

DOCUMENTS = Documents()
KINDS = ("auto", "termination", "address", "renegotiate")


def cases():
    return case_data(KNOWLEDGE)


def user_texts(case) -> list:
    return [v for party in (case.client, case.provider) for v in party.values()]


@PIPELINE
@given(cases())
@example({"language": "fr", "answers": {"abusive_to_staff": "abusive"},
          "client": {"name": "<script>alert(1)</script>", "contact": "{{ 7*7 }}", "email": "a@b.fr"},
          "provider": {"name": "O'Brien & \"Fils\"", "signatory": "Bcc: x@y.fr", "email": "c@d.fr"}})
def test_any_case_goes_through_assess_and_reports_with_one_recommendation(data):
    case = case_from_data(data, KNOWLEDGE, "fuzz.yaml")
    assessment = ADVISOR.assess(case)
    recommendation = assessment.verdict["recommendation"]
    assert recommendation in KNOWLEDGE.outcomes["recommendation"].values
    deciding = {f.conclusion["value"] for f in assessment.reasoning.deciding_firings("recommendation")}
    assert deciding == {recommendation}, "exactly one recommendation, decided by rules that agree"
    result = json.loads(render(assessment, "json"))
    assert result["recommendation"] == recommendation
    assert isinstance(result["recommendation"], str)
    for form in ("text", "md"):
        assert KNOWLEDGE.outcomes["recommendation"].labels[recommendation](case.language) in render(assessment, form)


@PIPELINE
@given(cases())
@example({"language": "en", "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing"},
          "client": {"name": "<script>alert(1)</script>", "contact": "Dupont <dupont@evil.example>",
                     "email": "a@b.fr"},
          "provider": {"name": "{{ 7*7 }}", "signatory": "Bcc: x@y.fr", "email": "c@d.fr"}})
def test_memo_and_every_letter_render_valid_output_for_any_case(data):
    case = case_from_data(data, KNOWLEDGE, "fuzz.yaml")
    assessment = ADVISOR.assess(case)
    for form in MEMO_FORMATS:
        memo = DOCUMENTS.memo(assessment, form, today=TODAY).content
        if form == "html":
            assert_escaped(memo, user_texts(case))
            name = case.client.get("name")
            if name:  # the memo names the client (escaped, as the check above made sure)
                assert name in html.unescape(memo)
    for kind in KINDS:
        for form in LETTER_FORMATS:
            try:
                letter = DOCUMENTS.letter(assessment, form, kind, today=TODAY, now=NOW).content
            except NoLetter:
                assert kind == "auto", "only `auto` may decline to write a letter"
                continue
            if form == "html":
                assert_escaped(letter, user_texts(case))
            if form == "eml":
                assert_valid_draft(letter, case)


def assert_escaped(page: str, texts: list) -> None:
    """User text is data: no raw `<` or `&` from it reaches the HTML.

    Texts shorter than 12 characters are skipped: a lone `<` or `<a` is part of any page's
    own markup, so finding it proves nothing.
    """
    for text in texts:
        if len(text) >= 12 and any(c in text for c in "<>&"):
            assert text not in page, f"{text!r} reached the HTML unescaped"


def assert_valid_draft(raw: bytes, case) -> None:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert not message.defects
    assert message["To"].addresses[0].addr_spec == case.client["email"]
    assert message["From"].addresses[0].addr_spec == case.provider["email"]
    assert message["X-Unsent"] == "1"
    assert set(message.keys()) >= {"To", "From", "Subject", "Date"}
    assert not message.is_multipart() and message.get_content_charset() == "utf-8"
    for name, value in message.items():
        assert "\n" not in str(value) and "\r" not in str(value), f"{name} carries a line break"
    assert message.get_content().strip(), "the draft has a body"


# -- readers: anything in, an answer or one InputError out --------------------------------------

JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                      st.text(max_size=20))
JSON_DATA = st.recursive(JSON_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=20)
NEAR_CASE = st.fixed_dictionaries({}, optional={
    "language": st.one_of(st.sampled_from(["fr", "en", "de", ""]), JSON_LEAF),
    "client": st.one_of(st.dictionaries(st.sampled_from(["name", "contact", "email", "phone"]), JSON_LEAF), JSON_DATA),
    "provider": st.dictionaries(st.sampled_from(["name", "signatory", "email"]), st.one_of(TEXT, JSON_LEAF)),
    "answers": st.one_of(st.dictionaries(st.sampled_from(list(KNOWLEDGE.factors) + ["typo"]),
                                         st.one_of(JSON_LEAF, st.sampled_from(["on_time", "rude", "yes", "12"]))),
                         JSON_DATA),
})


@READERS
@given(st.one_of(NEAR_CASE, JSON_DATA))
def test_any_data_is_a_case_or_one_input_error(data):
    try:
        case = case_from_data(data, KNOWLEDGE, "fuzz.json")
    except InputError as error:
        assert str(error).startswith("fuzz.json") and "\n" not in str(error)
        return
    for party in (case.client, case.provider):
        for key, value in party.items():
            assert value.isprintable() and len(value) <= 200
            if key == "email":
                checked(value)  # raises if the address were not one
    ADVISOR.engine.reason(case.answers)


RED_LINES = st.dictionaries(st.sampled_from(list(KNOWLEDGE.factors) + ["typo"]),
                            st.one_of(JSON_LEAF, st.sampled_from(["rude", "abusive", "never"])))
NEAR_POLICY = st.dictionaries(st.sampled_from([*KNOWLEDGE.settings, "typo"]), st.one_of(JSON_LEAF, RED_LINES))


@READERS
@given(st.one_of(NEAR_POLICY, st.dictionaries(st.text(max_size=12), JSON_DATA, max_size=4)))
def test_any_data_is_a_policy_or_one_input_error(data):

    class Doc:
        path = "policy.yaml"

        @staticmethod
        def line(*keys):
            return None

    try:
        build_policy(KNOWLEDGE, data, Doc())
    except InputError as error:
        assert str(error).startswith("policy.yaml") and "\n" not in str(error)


YAMLISH = st.lists(st.sampled_from(["a:", " b", "- ", "[", "]", "{", "}", "&x", "*x", "!!python/name:os.system", "\n",
                                    "  ", "'", '"', "#", ": ", "<<", "---", "...", "\t", "1e999", "0x1F", ".nan",
                                    "é", "\\", "%YAML 1.2\n", "? ", "|", ">"]), max_size=40).map("".join)


@READERS
@given(st.one_of(st.binary(max_size=300), YAMLISH.map(str.encode)), st.sampled_from([".yaml", ".json"]))
def test_any_bytes_are_a_document_or_one_input_error(tmp_path_factory, raw, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(raw)
    try:
        read_document(path)
    except InputError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
