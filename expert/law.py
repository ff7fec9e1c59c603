"""The law a letter must respect, read from knowledge/law.yaml: the notice the law expects
for the length of a relationship, when ending without it is defensible, what late payment
entitles to, and the working days of a jurisdiction.

The rules are data (each cites its article); this module only applies their shape: a notice
of so many months per year of relationship within bounds, grounds that assert answers,
a public-holiday calendar from the `holidays` package. It knows no factor and no country.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from .errors import AdieuError, InputError
from .files import read_document
from .knowledge import default_knowledge_dir
from .statements import holds, parse_asserts

LAW_FILE = "law.yaml"
FIRST_YEAR, LAST_YEAR = 2000, 2100   # the calendar is only asked about these years
DATED_YEARS = (FIRST_YEAR, LAST_YEAR - 2)   # a document's date: its end dates come up to 18 months later
APPLIES = ("always", "contract_silent")


class LawError(AdieuError):
    """knowledge/law.yaml is missing or inconsistent: a bug of the installation."""

    status = 3


@dataclass(frozen=True)
class Notice:
    """What the law and the contract say about the notice of one case."""

    contract_days: int | None      # the contractual notice, None when unknown
    reasonable_months: int | None  # the notice the law expects, None when it does not apply or cannot be told
    applies: str                   # when the reasonable notice applies: always | contract_silent
    years_known: bool              # was the length of the relationship given
    grounds: tuple                 # the grounds for ending without notice that the case holds


class Law:
    """knowledge/law.yaml, read once."""

    def __init__(self, path=None):
        self.path = Path(path) if path is not None else default_knowledge_dir() / LAW_FILE
        try:
            doc = read_document(self.path)
        except InputError as error:
            raise LawError(str(error)) from None
        data = doc.data if isinstance(doc.data, dict) else {}
        self.sources = data.get("sources") or {}
        for name, source in self.sources.items():
            summary = source.get("summary") if isinstance(source, dict) else None
            if summary is not None and not (isinstance(summary, dict) and all(
                    isinstance(text, str) and text for text in summary.values())):
                raise LawError(f"{self.path}: sources.{name}.summary: expected its text in each language (fr: ..., en: ...)")
        self.jurisdictions = data.get("jurisdictions") or {}
        if not self.jurisdictions:
            raise LawError(f"{self.path}: no jurisdictions")
        for code, spec in self.jurisdictions.items():
            self._check(code, spec)
        self.by_language = data.get("by_language") or {}
        if not isinstance(self.by_language, dict) or not set(self.by_language.values()) <= set(self.jurisdictions):
            raise LawError(f"{self.path}: by_language: expected a jurisdiction of jurisdictions for each language")

    def _check(self, code, spec):
        def fail(message):
            raise LawError(f"{self.path}: jurisdictions.{code}: {message}")

        try:
            reasonable = spec["notice"]["reasonable"]
            grounds = spec["notice"]["immediate"]["grounds"]
            spec["holidays"]["country"]
        except (KeyError, TypeError):
            fail("expected notice.reasonable, notice.immediate.grounds and holidays.country")
        if reasonable.get("applies") not in APPLIES:
            fail(f"notice.reasonable.applies: expected one of {', '.join(APPLIES)}")
        for key in ("months_per_year", "min_months", "max_months"):
            if not isinstance(reasonable.get(key), (int, float)) or reasonable[key] < 0:
                fail(f"notice.reasonable.{key}: expected a number")
        for ground in grounds:
            if parse_asserts(ground.get("asserts")) is None:
                fail(f"notice.immediate.grounds.{ground.get('id')}: asserts: expected factor: value mappings")
        for name in reasonable.get("sources", []) + spec["notice"]["immediate"].get("sources", []) \
                + spec.get("late_payment", {}).get("sources", []):
            if name not in self.sources:
                fail(f"cites {name!r}, which is not in sources")

    def has(self, code: str) -> bool:
        return code in self.jurisdictions

    def jurisdiction_of(self, case) -> str:
        """The law of a case: the one it names, else its language's (by_language), else the
        first of jurisdictions."""
        return case.jurisdiction or self.by_language.get(case.language) or next(iter(self.jurisdictions))

    def applies(self, source: dict | None, code: str) -> bool:
        """Whether a source of sources.yaml may be cited under the law `code`: a legal source
        that names its law (`law: FR`) is cited only there."""
        return not isinstance(source, dict) or source.get("law") in (None, code)

    def notice(self, code: str, contract_days, years) -> Notice:
        """The contractual notice next to the one the law expects for `years` of relationship."""
        spec = self.jurisdictions[code]["notice"]
        reasonable = spec["reasonable"]
        months = None
        applies = reasonable["applies"] == "always" or contract_days is None
        if applies and years is not None:
            months = math.ceil(years * reasonable["months_per_year"]) if years > 0 else 0
            months = int(min(max(months, reasonable["min_months"]), reasonable["max_months"]))
        return Notice(None if contract_days is None else int(contract_days), months,
                      reasonable["applies"], years is not None, ())

    def grounds(self, code: str, answers: dict) -> tuple:
        """The grounds for ending without notice that the answers hold (their entries)."""
        return tuple(g for g in self.jurisdictions[code]["notice"]["immediate"]["grounds"]
                     if holds(parse_asserts(g["asserts"]), answers))

    def cited(self, code: str, part: str) -> list:
        """The sources a part of a jurisdiction cites (`notice.reasonable`, `late_payment`...)."""
        spec = self.jurisdictions[code]
        for key in part.split("."):
            spec = spec.get(key, {})
        return [{"id": name, **self.sources[name]} for name in spec.get("sources", [])]

    def working_day(self, code: str, day: date) -> date:
        """`day`, or the next day that is neither a weekend nor a public holiday there."""
        for _ in range(15):
            if day.weekday() < 5 and day not in _holidays(self._calendar(code), day.year):
                return day
            day += timedelta(days=1)
        return day

    def _calendar(self, code: str) -> tuple:
        spec = self.jurisdictions[code]["holidays"]
        return spec["country"], spec.get("subdiv")

    def check_date(self, day: date, what: str):
        if not DATED_YEARS[0] <= day.year <= DATED_YEARS[1]:
            raise InputError(what, f"expected a date from {DATED_YEARS[0]}-01-01 to {DATED_YEARS[1]}-12-31, "
                                   f"got {day.isoformat()}")


@lru_cache(maxsize=8)
def _law_at(path: Path) -> Law:
    return Law(path)


def law_for(knowledge) -> Law:
    """The law of a rule base: its own law.yaml, or the shipped one when it has none."""
    own = Path(knowledge.root) / LAW_FILE
    return _law_at(own if own.is_file() else default_knowledge_dir() / LAW_FILE)


@lru_cache(maxsize=64)
def _holidays(place: tuple, year: int):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return frozenset()
    country, subdiv = place
    import holidays as holiday_calendars    # 90 ms to import: only when a date is computed

    return frozenset(holiday_calendars.country_holidays(country, subdiv=subdiv, years=year))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
