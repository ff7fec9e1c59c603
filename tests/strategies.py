"""hypothesis strategies shared by the property and fuzz tests: valid answers of a rule base,
and case data with hostile but legal names and addresses; and how many examples to try."""

from __future__ import annotations

import os

from hypothesis import strategies as st

# The first tier (`make test`) tries a tenth of each property's examples; the second tier
# (.ci/run: ADIEU_EXAMPLES=full pytest -m "slow or hypothesis") runs every property again
# with its full count.
FULL = os.environ.get("ADIEU_EXAMPLES") == "full"


def examples(full: int) -> int:
    """The number of examples a property tries in this tier: `full` in the second."""
    return full if FULL else max(10, full // 10)


def value_of(factor):
    """Any valid answer to this factor."""
    if factor.values:
        return st.sampled_from(factor.values)
    if factor.type == "integer":
        return st.integers(int(factor.minimum), int(factor.maximum))
    return st.floats(factor.minimum, factor.maximum, allow_nan=False)


def answers_of(knowledge):
    """Any subset of the factors, each with any valid value: missing ones are unknown."""
    return st.fixed_dictionaries({}, optional={f.id: value_of(f) for f in knowledge.factors.values()})


HOSTILE = ["<script>alert(1)</script>", "{{ 7*7 }}", "{% include 'x' %}", "O'Brien & \"Fils\"",
           "Dupont <dupont@evil.example>", "Bcc: everyone@example.com", "=?utf-8?q?hi?=", "Zoë Ørsted-Łukasz",
           "&amp; &lt;b&gt;", "${jndi:ldap://x}", "\\n", "**gras** _it_ [lien](http://x)", "# Titre"]
# Printable text only: control, format and unassigned characters are refused by case.py.
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
            min_size=1, max_size=40),
).map(str.strip).filter(bool)
ATOM = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
EMAIL_ADDRESS = st.builds(lambda local, extra, domain, tld: f"{local}{extra}@{domain}.{tld}",
                          ATOM, st.sampled_from(["", ".x", "+tag", "-y", "_z"]), ATOM,
                          st.sampled_from(["fr", "com", "example"]))


@st.composite
def case_data(draw, knowledge):
    """Valid case-file data: any subset of answers, hostile but legal names and addresses
    (e-mail addresses and the provider's name always there: a letter needs them)."""
    answers = draw(answers_of(knowledge))
    data = {"language": draw(st.sampled_from(["fr", "en"])), "answers": answers}
    data["client"] = draw(st.fixed_dictionaries({"email": EMAIL_ADDRESS}, optional={"name": TEXT, "contact": TEXT}))
    data["provider"] = draw(st.fixed_dictionaries({"email": EMAIL_ADDRESS, "name": TEXT}, optional={"signatory": TEXT}))
    return data
