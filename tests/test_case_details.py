"""The case contract's letter details (addresses, title, place, contract, warning date,
unpaid invoices, jurisdiction): optional, typed, and a bad value is one clear line."""

from __future__ import annotations

import datetime

import pytest

from expert.errors import InputError

FULL = """\
language: fr
jurisdiction: FR
client:
  name: Dupont SARL
  contact: Mme Marie Dupont
  address: |
    12 rue des Lilas
    69003 Lyon
provider:
  name: Atelier Martin
  signatory: Jean Martin
  title: Gérant
  place: Villeurbanne
  address: "4 place Grandclément\\n69100 Villeurbanne"
contract:
  reference: CT-2021-07
  date: "2021-09-01"
  warning_date: 2025-01-15
unpaid:
  amount: 4250.50
  invoices: [F-2025-014, F-2025-021, 1042]
answers:
  payment_behaviour: unpaid_invoices
"""


def test_every_detail_is_read_with_its_type_and_written_back(advisor, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(FULL, encoding="utf-8")
    case = advisor.load_case(path)
    assert case.client["address"] == "12 rue des Lilas\n69003 Lyon"
    assert case.provider["address"] == "4 place Grandclément\n69100 Villeurbanne"
    assert case.contract == {"reference": "CT-2021-07", "date": datetime.date(2021, 9, 1),
                             "warning_date": datetime.date(2025, 1, 15)}
    assert case.unpaid == {"amount": 4250.5, "invoices": ("F-2025-014", "F-2025-021", "1042")}
    assert case.jurisdiction == "FR"
    again = advisor.case(case.to_dict())
    assert (again.contract, again.unpaid, again.client, again.provider) == \
        (case.contract, case.unpaid, case.client, case.provider)


def test_a_complete_french_letter_leaves_no_blank(advisor, tmp_path):
    from expert.documents import Documents
    path = tmp_path / "case.yaml"
    path.write_text(FULL.replace("payment_behaviour: unpaid_invoices",
                                 "payment_behaviour: unpaid_invoices\n  issue_raised: warned_in_writing"),
                    encoding="utf-8")
    assessment = advisor.assess(advisor.load_case(path))
    rendered = Documents().letter(assessment, "text", "termination", today=datetime.date(2025, 3, 3))
    text = rendered.content
    assert "[" not in text and not rendered.blanks
    assert "Villeurbanne, le 3\u00a0mars\u00a02025" in text
    assert "Lettre recommandée avec accusé de réception" in text
    assert "Objet\u00a0: Résiliation du contrat n°\u00a0CT-2021-07 du 1er\u00a0septembre\u00a02021" in text
    assert "Par un précédent courrier du 15\u00a0janvier\u00a02025" in text
    assert "12 rue des Lilas\n69003 Lyon" in text
    assert text.rstrip().endswith("Jean Martin\nGérant\nAtelier Martin")


@pytest.mark.parametrize("section,key,value,expected", [
    ("contract", "date", "31/02/2021", "expected a date that exists (check the day and the month)"),
    ("contract", "date", "09/2021", "expected a date as YYYY-MM-DD or DD/MM/YYYY"),
    ("contract", "date", "2021-02-30", "expected a date that exists"),
    ("contract", "warning_date", 20250115, "expected a date as YYYY-MM-DD"),
    ("contract", "signed", "2021-09-01", "unknown key (expected one of reference, date, warning_date)"),
    ("unpaid", "amount", -5, "expected an amount from 0"),
    ("unpaid", "amount", 12.345, "at most two decimals"),
    ("unpaid", "amount", "1200", "expected an amount from 0"),
    ("unpaid", "invoices", "F-1", "expected a list of texts"),
    ("unpaid", "invoices", ["x" * 61], "1 to 60 characters"),
])
def test_a_bad_detail_is_refused_naming_the_key(advisor, section, key, value, expected):
    with pytest.raises(InputError) as raised:
        advisor.case({"language": "fr", section: {key: value}})
    assert f"{section}.{key}" in str(raised.value) and expected in str(raised.value)


@pytest.mark.parametrize("data,expected", [
    ({"unpaid": {"amount": 1250.505}}, "got 1250.505"),                  # not 1250.51: that would be allowed
    ({"answers": {"revenue_share": 1e6}}, "got 1000000.0"),             # not 1e+06
    ({"answers": {"revenue_share": 100.25}}, "got 100.25"),
])
def test_a_refused_number_is_shown_as_written(advisor, data, expected):
    with pytest.raises(InputError) as raised:
        advisor.case({"language": "fr", **data})
    assert str(raised.value).endswith(expected)


def test_a_refused_cell_is_shown_as_typed(adieu, tmp_path):
    book = tmp_path / "book.csv"
    book.write_text('client_name,revenue_share\nDupont,"150,5 %"\n', encoding="utf-8")
    done = adieu("portfolio", book)
    assert done.stderr == (f"adieu: {book}:2: revenue_share: expected a number from 0 to 100, got '150,5 %' "
                           f"(row skipped)\n")


def test_a_bad_detail_in_a_file_names_the_file_the_line_and_the_key(adieu, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(FULL.replace('date: "2021-09-01"', 'date: "1st September"'), encoding="utf-8")
    result = adieu("assess", path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "case.yaml:17" in result.stderr and "contract.date" in result.stderr


@pytest.mark.parametrize("value", ["XX", "fr", 33])
def test_an_unknown_jurisdiction_is_refused(advisor, value):
    with pytest.raises(InputError) as raised:
        advisor.case({"language": "fr", "jurisdiction": value})
    assert "jurisdiction" in str(raised.value) and "FR, GB" in str(raised.value)


def test_an_address_of_too_many_lines_is_refused(advisor):
    with pytest.raises(InputError) as raised:
        advisor.case({"client": {"address": "\n".join(["line"] * 7)}})
    assert "client.address" in str(raised.value) and "at most 6 lines" in str(raised.value)


@pytest.mark.parametrize("contact,salutation,attention,closing", [
    ("Mme Marie Dupont", "Madame,", "À l’attention de Madame Marie Dupont", "agréer, Madame, l’expression"),
    ("M. Paul Bernard", "Monsieur,", "À l’attention de Monsieur Paul Bernard", "agréer, Monsieur, l’expression"),
    ("Dr Lee Chen", "Docteur,", "À l’attention du Docteur Lee Chen", "agréer, Docteur, l’expression"),
    ("Me Anne Roux", "Maître,", "À l’attention de Maître Anne Roux", "agréer, Maître, l’expression"),
    ("Anne Roux", "Madame, Monsieur,", "À l’attention d’Anne Roux", "agréer, Madame, Monsieur, l’expression"),
    ("Paul Bernard", "Madame, Monsieur,", "À l’attention de Paul Bernard", "agréer, Madame, Monsieur, l’expression"),
])
def test_french_salutation_follows_the_contact(contact, salutation, attention, closing, advisor):
    from expert.documents import Documents
    case = {"language": "fr", "client": {"name": "Client SA", "contact": contact, "email": "c@client.example"},
            "provider": {"name": "Atelier", "email": "a@atelier.example"}, "answers": {}}
    assessment = advisor.assess(advisor.case(case))
    text = Documents().letter(assessment, "text", "address", today=datetime.date(2025, 3, 3)).content
    assert f"\n{salutation}\n" in text and attention in text and closing in text


@pytest.mark.parametrize("language,contact,greeting", [
    ("fr", "Mme Marie Dupont", "Bonjour Madame Dupont,"),
    ("fr", "Me Anne Roux", "Bonjour Maître Roux,"),
    ("en", "Ms Jane Clarke", "Dear Ms Clarke,"),
    ("en", "Mme Jane Clarke", "Dear Ms Clarke,"),
    ("en", "Jane Clarke", "Dear Jane Clarke,"),
])
def test_e_mail_greeting_follows_the_contact(language, contact, greeting, advisor):
    from expert.documents import Documents
    case = {"language": language, "client": {"name": "Client SA", "contact": contact, "email": "c@client.example"},
            "provider": {"name": "Atelier", "email": "a@atelier.example"}, "answers": {}}
    assessment = advisor.assess(advisor.case(case))
    text = Documents().letter(assessment, "text", "address", today=datetime.date(2025, 3, 3), delivery="email").content
    assert f"\n{greeting}\n" in text
    assert "[" not in text, "an e-mail needs no postal address nor place"


ENGLISH = {"language": "en", "client": {"name": "Harbour & Co", "contact": "Mrs Sarah Collins",
                                      "email": "sarah@harbour.example"},
           "provider": {"name": "Brightline Studio", "signatory": "Sam Patel", "email": "sam@brightline.example"},
           "answers": {"abusive_to_staff": "abusive", "issue_raised": "discussed"}}


def english_termination(advisor, delivery="post", **parties):
    from expert.documents import Documents
    case = {**ENGLISH, **{party: {**ENGLISH[party], **given} for party, given in parties.items()}}
    return Documents().letter(advisor.assess(advisor.case(case)), "text", "termination",
                              today=datetime.date(2025, 3, 3), delivery=delivery)


def test_an_english_letter_by_post_carries_both_postal_addresses(advisor):
    rendered = english_termination(advisor, client={"address": "Unit 4, Quayside Park\nBristol BS1 6XN"},
                                   provider={"address": "12 Mill Lane\nLeeds LS1 4AB"})
    head = rendered.content.split("Subject:")[0]
    assert head.startswith("Brightline Studio\nSam Patel\n12 Mill Lane\nLeeds LS1 4AB\nsam@brightline.example\n")
    assert "Mrs Sarah Collins\nHarbour & Co\nUnit 4, Quayside Park\nBristol BS1 6XN\n" in head
    assert "sarah@harbour.example" not in head and "By recorded delivery" in head     # posted, not e-mailed
    assert not rendered.blanks


def test_an_english_letter_by_post_without_the_addresses_shows_their_blanks(advisor):
    rendered = english_termination(advisor)
    assert rendered.blanks == ["[your postal address]", "[client’s postal address]"]
    assert "Harbour & Co\n[client’s postal address]\n" in rendered.content


def test_an_english_letter_by_e_mail_needs_no_postal_address(advisor):
    rendered = english_termination(advisor, delivery="email")
    assert not rendered.blanks and "By recorded delivery" not in rendered.content


# -- the details as typed in the interview -------------------------------------------------------

@pytest.mark.parametrize("name,typed,expected", [
    ("client.address", "12 rue des Lilas / 69003 Lyon", "12 rue des Lilas\n69003 Lyon"),
    ("provider.address", "4 place Grandclément/69100 Villeurbanne", "4 place Grandclément\n69100 Villeurbanne"),
    ("contract.date", "2021-09-01", datetime.date(2021, 9, 1)),
    ("contract.date", "01/09/2021", datetime.date(2021, 9, 1)),   # day first, as France and the UK write it
    ("contract.date", "1.9.2021", datetime.date(2021, 9, 1)),
    ("contract.date", "15/03/23", datetime.date(2023, 3, 15)),    # a two-digit year is of this century
    ("unpaid.amount", "4 250,50 €", 4250.5),
    ("unpaid.amount", "£1,870.00", 1870.0),
    ("unpaid.amount", "1250", 1250),
    ("unpaid.amount", "1.250 €", 1250),          # a French thousands sign, not one euro twenty-five
    ("unpaid.amount", "1,250", 1250),
    ("unpaid.amount", "1.250,50", 1250.5),
    ("unpaid.amount", "1.250.000", 1250000),
    ("unpaid.amount", "12,50", 12.5),
    ("unpaid.amount", "0.500", 0.5),
    ("unpaid.invoices", "F-2025-014, F-2025-021; 1042", ("F-2025-014", "F-2025-021", "1042")),
    ("provider.title", "Gérant", "Gérant"),
])
def test_a_detail_typed_on_one_line_is_read_by_the_case_files_rules(name, typed, expected):
    from expert.case import detail_from_text, detail_text

    value = detail_from_text(name, typed, pytest.fail)
    assert value == expected and type(value) is type(expected)
    assert detail_from_text(name, detail_text(name, value), pytest.fail) == value     # shown as typed again


@pytest.mark.parametrize("name,typed,expected", [
    ("contract.date", "13/13/2021", "expected a date that exists"),
    ("unpaid.amount", "beaucoup", "expected an amount from 0"),
    ("unpaid.amount", "12,345.678", "at most two decimals"),
    ("unpaid.amount", "1,2345", "at most two decimals"),  # not 12345: a thousands sign comes before three digits
    ("unpaid.amount", "1,25,0", "expected an amount from 0"),
    ("unpaid.invoices", " , ", "expected a list of texts"),
    ("client.address", " / ".join(["ligne"] * 7), "expected at most 6 lines"),
])
def test_a_bad_typed_detail_says_what_was_expected(name, typed, expected):
    from expert.case import detail_from_text

    def fail(message):
        raise ValueError(message)

    with pytest.raises(ValueError, match=expected):
        detail_from_text(name, typed, fail)


def test_the_details_each_letter_asks_name_real_factors_values_and_languages(knowledge, documents):
    from expert.messages import LANGUAGES

    assert documents.settings.details, "documents.yaml lists no details for the interview to ask"
    for kind, entries in documents.settings.details.items():
        for name, when, languages in entries:
            for alternative in when or ():
                for key, values in alternative:
                    assert key in knowledge.factors, f"{kind}: {name}: unknown factor {key}"
                    assert set(values) <= set(knowledge.factors[key].values), f"{kind}: {name}: {key}"
            assert set(languages or ()) <= set(LANGUAGES), f"{kind}: {name}"


def test_a_bad_detail_in_documents_yaml_names_its_place(tmp_path):
    import shutil

    from expert.documents import Documents, default_templates_dir
    from expert.errors import TemplateError

    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    settings = templates / "documents.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("    - contract.reference\n",
                                                                     "    - contract.number\n", 1),
                        encoding="utf-8")
    with pytest.raises(TemplateError, match=r"documents\.yaml:\d+: details\.termination\.4: expected one of"):
        Documents(templates)


@pytest.mark.parametrize("typed,expected", [("30 jours", 30), ("30 days", 30), ("45", 45), ("30jours", 30)])
def test_a_number_with_its_unit_reads_the_same_in_a_cell_as_in_the_interview(knowledge, typed, expected):
    """One parser for typed answers: a CSV cell accepts what the interview accepts."""
    from expert.answers import from_text

    def fail(message):
        raise AssertionError(message)

    assert from_text(knowledge.factors["notice_period_days"], typed, fail) == expected


def test_a_client_book_cell_may_give_the_notice_with_its_unit(adieu, tmp_path):
    book = tmp_path / "book.csv"
    book.write_text("client_name,notice_period_days,payment_behaviour\nDupont,30 jours,on_time\n", encoding="utf-8")
    done = adieu("portfolio", book, "--format", "json")
    assert done.returncode == 0 and done.stderr == "", done.stderr


@pytest.mark.parametrize("lines, expected", [
    (['"revenue_share": 150'], "5: answers.revenue_share: expected a number from 0 to 100, got 150"),
    (['"revenue_share": 5,', '"payment_behaviour": "often_late"'], "6: answers.payment_behaviour: duplicate key"),
], ids=["bad value", "repeated key"])
def test_an_error_in_a_json_case_names_its_line_as_in_yaml(adieu, tmp_path, lines, expected):
    case = tmp_path / "case.json"
    case.write_text('{\n  "language": "fr",\n  "answers": {\n    "payment_behaviour": "on_time",\n'
                    + "".join(f"    {line}\n" for line in lines) + "  }\n}\n", encoding="utf-8")
    done = adieu("assess", case)
    assert done.returncode == 2
    assert done.stderr == f"adieu: {case}:{expected}\n"


def test_keys_repeated_under_a_repeated_key_of_two_kinds_are_one_clear_line(adieu, tmp_path):
    case = tmp_path / "case.json"
    case.write_text('{"a": [{"x": 1, "x": 2}], "a": {"k": 1, "k": 2}}', encoding="utf-8")
    done = adieu("assess", case)
    assert (done.returncode, done.stderr) == (2, f"adieu: {case}:1: a: duplicate key\n")

@pytest.mark.parametrize("key", ["warning_date", "date"])
def test_a_letter_refuses_to_cite_a_date_after_its_own(adieu, tmp_path, key):
    case = tmp_path / "case.yaml"
    case.write_text(FULL.replace('  date: "2021-09-01"\n  warning_date: 2025-01-15\n',
                                 f"  {key}: 2099-01-15\n"), encoding="utf-8")
    done = adieu("letter", case, "--date", "2025-03-03")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (f"adieu: {case}: contract.{key}: expected a date on or before the document's "
                           f"(2025-03-03), got 2099-01-15\n")


def test_a_written_warning_dated_before_its_contract_is_refused_naming_its_line(adieu, tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(FULL.replace("warning_date: 2025-01-15", "warning_date: 15/01/2020"), encoding="utf-8")
    done = adieu("assess", case)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"adieu: {case}:18: contract.warning_date: expected a date on or after contract.date "
                           f"(2021-09-01), got 2020-01-15\n")


@pytest.mark.parametrize("columns, cells, documents, said", [
    ("provider_signatory,contract_warning_date", "Jean Martin,2099-01-15", True,
     "contract_warning_date: expected a date on or before the document's ("),
    ("contract_date,contract_warning_date", "2021-09-01,2020-01-15", False,
     "contract_warning_date: expected a date on or after contract_date (2021-09-01), got 2020-01-15"),
], ids=["after-the-letter", "before-its-contract"])
def test_a_client_book_row_with_an_impossible_warning_date_is_skipped_naming_its_line_and_column(
        adieu, tmp_path, columns, cells, documents, said):
    book = tmp_path / "book.csv"
    book.write_text(f"client_name,payment_behaviour,issue_raised,{columns}\n"
                    f"Dupont,unpaid_invoices,warned_in_writing,{cells}\n", encoding="utf-8")
    done = adieu("portfolio", book, *(("--out", tmp_path / "out", "--format", "csv") if documents else ()))
    assert done.returncode == 1
    assert done.stderr.startswith(f"adieu: {book}:2: {said}")
