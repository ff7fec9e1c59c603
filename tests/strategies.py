"""hypothesis strategies shared by the property and fuzz tests: valid answers of a rule base."""

from __future__ import annotations

from hypothesis import strategies as st


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
