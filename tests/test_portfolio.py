"""`adieu portfolio`: a whole client book, from a CRM export or a folder, ranked by urgency."""

from __future__ import annotations

import csv
import json
import os
import random

import pytest
import yaml

from conftest import ROOT
from scenario_files import load_scenario, scenario_paths

EXAMPLE = ROOT / "examples" / "portfolio.csv"


def review(adieu, *args):
    done = adieu("portfolio", *args, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return done, json.loads(done.stdout)


def write_csv(path, header, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def example_rows():
    with open(EXAMPLE, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def blank_row(header, **cells):
    row = [""] * len(header)
    for column, value in cells.items():
        row[header.index(column)] = value
    return row


def test_example_book_is_ranked_most_severe_recommendation_first_then_largest_share(adieu, knowledge):
    done, result = review(adieu, EXAMPLE)
    assert done.returncode == 0 and done.stderr == ""
    severity = knowledge.outcomes["recommendation"].values
    clients = result["clients"]
    assert [c["rank"] for c in clients] == list(range(1, 13))
    keys = [(-severity.index(c["recommendation"]), -(c["revenue_share"] or -1)) for c in clients]
    assert keys == sorted(keys)
    assert [c["client"] for c in clients[:2]] == ["Garage Moreau & Fils", "Northgate Property Group"]
    assert clients[-1]["client"] == "Boulangerie Durand" and clients[-1]["recommendation"] == "keep"


def test_totals_count_clients_and_sum_the_revenue_at_stake_per_recommendation(adieu, knowledge):
    _, result = review(adieu, EXAMPLE)
    totals = {t["recommendation"]: (t["clients"], t["revenue_share"]) for t in result["totals"]}
    assert list(totals) == list(reversed(knowledge.outcomes["recommendation"].values))
    assert totals["exit_now"] == (2, 23.5)
    for value, (clients, share) in totals.items():
        mine = [c for c in result["clients"] if c["recommendation"] == value]
        assert clients == len(mine)
        assert share == round(sum(c["revenue_share"] or 0 for c in mine), 4)


def test_clients_above_the_policy_revenue_limit_are_warned(adieu, tmp_path):
    done, result = review(adieu, EXAMPLE)
    assert result["max_revenue_share"] == 10
    assert {w["client"] for w in result["warnings"]} == {
        "Garage Moreau & Fils", "Northgate Property Group", "SARL Bâtiment Roux", "Hôtel Les Tilleuls"}
    policy = tmp_path / "policy.yaml"
    policy.write_text("max_revenue_share: 20\n", encoding="utf-8")
    _, stricter = review(adieu, EXAMPLE, "--policy", policy)
    assert [w["client"] for w in stricter["warnings"]] == ["SARL Bâtiment Roux"]
    text = adieu("portfolio", EXAMPLE, "--policy", policy).stdout
    assert "! SARL Bâtiment Roux (rang 3) : 22 % du chiffre d’affaires" in text
    assert "! Hôtel Les Tilleuls" not in text


def test_a_csv_row_gets_the_same_verdict_as_the_same_case_file(adieu, advisor, tmp_path):
    case = yaml.safe_load((ROOT / "examples" / "late-payer.yaml").read_text(encoding="utf-8"))
    header = ["client_name", "client_contact", "language", *case["answers"]]
    values = [case["client"]["name"], case["client"]["contact"], case["language"]]
    values += ["oui" if v is True else "non" if v is False else str(v).replace(".", ",") for v in case["answers"].values()]
    _, result = review(adieu, write_csv(tmp_path / "one.csv", header, [values], delimiter=";"))
    expected = advisor.assess(advisor.load_case(ROOT / "examples" / "late-payer.yaml"), explained=False)
    (row,) = result["clients"]
    assert (row["recommendation"], row["reconciliation"]) == (expected.verdict["recommendation"],
                                                               expected.verdict["reconciliation"])
    assert row["line"] == 2 and row["revenue_share"] == case["answers"]["revenue_share"]


def test_decimal_commas_and_french_booleans_are_read_as_numbers_and_booleans(adieu, tmp_path):
    header, _ = example_rows()
    rows = [blank_row(header, client_name="Virgule", revenue_share="12,5", disputes_charges="OUI",
                      payment_behaviour="often_late", issue_raised="warned_in_writing", behaviour_trend="stable")]
    _, result = review(adieu, write_csv(tmp_path / "fr.csv", header, rows))
    (row,) = result["clients"]
    assert row["revenue_share"] == 12.5 and row["above_limit"] is True
    assert "payment_risk" in row["problems"]


def test_a_bad_row_is_reported_with_its_line_number_and_skipped(adieu, tmp_path):
    header, rows = example_rows()
    bad = blank_row(header, client_name="Typo SARL", revenue_share="douze")
    path = write_csv(tmp_path / "book.csv", header, [rows[0], bad, *rows[1:3], [], rows[3]])
    done, result = review(adieu, path)
    assert done.returncode == 1, "some rows failed: the exit status says so"
    assert done.stderr.splitlines() == [
        f"adieu: {path}:3: revenue_share: expected a number from 0 to 100, got 'douze' (row skipped)"]
    assert result["failed"] == 1 and result["assessed"] == 4
    assert {c["line"] for c in result["clients"]} == {2, 4, 5, 7}, "a blank line still counts as a line"


def test_a_row_with_too_few_cells_is_refused_not_read_as_unknowns(adieu, tmp_path):
    header, rows = example_rows()
    path = write_csv(tmp_path / "short.csv", header, [rows[0][:10], rows[1]])
    done, result = review(adieu, path)
    assert done.returncode == 1
    assert f"{path}:2: expected {len(header)} values (one per column), got 10" in done.stderr
    assert [c["line"] for c in result["clients"]] == [3]


def test_an_unknown_column_stops_everything_and_suggests_the_right_name(adieu, tmp_path):
    path = write_csv(tmp_path / "typo.csv", ["client_name", "payment_behavior"], [["X", "on_time"]])
    done = adieu("portfolio", path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"adieu: {path}:1: payment_behavior: unknown column 2 (did you mean payment_behaviour?)\n"


def test_bytes_that_are_not_utf8_are_reported_on_their_row(adieu, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("client_name,revenue_share\nCafé Dupré,5\nOK,6\n".encode("latin-1"))
    done, result = review(adieu, path)
    assert done.returncode == 1
    assert f"{path}:2: client_name: not UTF-8 text" in done.stderr
    assert [c["client"] for c in result["clients"]] == ["OK"]


def test_a_folder_of_case_files_is_reviewed_and_a_bad_file_skipped(adieu, tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    expected = {}
    for path in scenario_paths():
        scenario = load_scenario(path)
        if "policy" in scenario:
            continue
        (folder / path.name).write_text(yaml.safe_dump(scenario["case"], allow_unicode=True), encoding="utf-8")
        expected[scenario["case"]["client"]["name"]] = scenario["expect"]["recommendation"]
    (folder / "zz-broken.yaml").write_text("answers:\n  payment_behaviour: sometimes\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a case", encoding="utf-8")
    done, result = review(adieu, folder)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"adieu: {folder / 'zz-broken.yaml'}:2: answers.payment_behaviour: expected one of on_time, "
        "sometimes_late, often_late, unpaid_invoices, got 'sometimes' (row skipped)"]
    assert {c["client"]: c["recommendation"] for c in result["clients"]} == expected


def test_jobs_2_gives_the_same_output_in_the_same_order_as_jobs_1(adieu, knowledge, tmp_path):
    header, rows = _generated_rows(knowledge, 400, seed=5)
    rows[57][header.index("revenue_share")] = "beaucoup"
    rows[301][header.index("payment_behaviour")] = "jamais"
    path = write_csv(tmp_path / "book.csv", header, rows)
    for form in ("text", "json", "csv"):
        one = adieu("portfolio", path, "--format", form, "--jobs", "1")
        two = adieu("portfolio", path, "--format", form, "--jobs", "2")
        assert one.returncode == two.returncode == 1
        assert one.stderr == two.stderr and len(one.stderr.splitlines()) == 2
        assert one.stdout == two.stdout


def test_csv_and_json_views_carry_the_same_ranked_rows(adieu):
    _, result = review(adieu, EXAMPLE)
    rows = list(csv.DictReader(adieu("portfolio", EXAMPLE, "--format", "csv").stdout.splitlines()))
    assert [(r["rank"], r["client"], r["recommendation"], r["above_limit"]) for r in rows] == [
        (str(c["rank"]), c["client"], c["recommendation"], "true" if c["above_limit"] else "false")
        for c in result["clients"]]


def test_out_writes_each_clients_memo_and_letter_and_refuses_to_overwrite(adieu, tmp_path):
    header, rows = example_rows()
    path = write_csv(tmp_path / "two.csv", header, rows[:3])
    out = tmp_path / "documents"
    done = adieu("portfolio", path, "--out", out)
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in out.iterdir())
    assert "000002-boulangerie-durand.memo.md" in written
    assert "000003-cabinet-lefevre-avocats.memo.md" in written
    assert "000003-cabinet-lefevre-avocats.letter.txt" in written, "an exit calls for a letter"
    memo = (out / "000003-cabinet-lefevre-avocats.memo.md").read_text(encoding="utf-8")
    assert "Cabinet Lefèvre Avocats" in memo
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = adieu("portfolio", path, "--out", out)
    assert again.returncode == 2
    assert again.stderr.endswith(f"already exists (to replace it: adieu portfolio {path} --out {out} --force)\n")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "nothing was overwritten"
    assert adieu("portfolio", path, "--out", out, "--force", "--jobs", "2").returncode == 0


def test_a_french_user_reads_a_skipped_row_and_a_refused_overwrite_in_french(adieu, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    header, rows = example_rows()
    bad = blank_row(header, client_name="Typo SARL", revenue_share="douze")
    path = write_csv(tmp_path / "book.csv", header, [rows[0], bad])
    out = tmp_path / "documents"
    done = adieu("portfolio", path, "--out", out, "--jobs", "2")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"adieu: {path}:3: revenue_share: attendu : un nombre de 0 à 100 ; trouvé : 'douze' (ligne ignorée)"]
    again = adieu("portfolio", path, "--out", out)
    assert again.returncode == 2
    assert again.stderr.splitlines()[-1].endswith(
        f": existe déjà (pour le remplacer : « adieu portfolio {path} --out {out} --force »)")


def test_an_out_folder_that_cannot_be_created_is_one_line_and_exit_2(adieu, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    done = adieu("portfolio", ROOT / "examples" / "portfolio.csv", "--out", blocker / "documents")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"adieu: {blocker / 'documents'}: cannot create this folder: a file of that name is in the way\n"



@pytest.mark.parametrize("cpus,jobs,in_parent", [(1, 4, True), (2, 2, False)])
def test_jobs_start_at_most_one_process_per_cpu(monkeypatch, knowledge, advisor, cpus, jobs, in_parent):
    from expert import portfolio

    monkeypatch.setattr(portfolio, "usable_cpus", lambda: cpus)
    monkeypatch.setattr(portfolio.Reviewer, "review", lambda self, task: os.getpid())
    columns, tasks = portfolio.open_input(ROOT / "examples" / "portfolio.csv", knowledge)
    results = portfolio.run(tasks, (knowledge, advisor.policy, columns, None, False), jobs)
    try:
        pids = set(results)
    finally:
        results.close()
    assert (pids == {os.getpid()}) is in_parent, pids


def test_a_repeated_bad_cell_is_reported_on_every_row_that_holds_it(adieu, tmp_path):
    """Each column reads a repeated text once; a bad one still names each of its rows."""
    header, rows = example_rows()
    provider = header.index("provider_email")
    bad_email = [row[:provider] + ["jean@atelier"] + row[provider + 1:] for row in rows[:2]]
    bad_share = blank_row(header, client_name="Typo SARL", revenue_share="douze")
    path = write_csv(tmp_path / "book.csv", header, [bad_email[0], rows[2], bad_share, bad_email[1], bad_share,
                                                     rows[3]])
    done, result = review(adieu, path)
    email = ("provider_email: expected an e-mail address like name@example.com, got 'jean@atelier' "
             "(the part after the @-sign is not valid. It should have a period) (row skipped)")
    share = "revenue_share: expected a number from 0 to 100, got 'douze' (row skipped)"
    assert done.stderr.splitlines() == [f"adieu: {path}:{line}: {message}"
                                        for line, message in ((2, email), (4, share), (5, email), (6, share))]
    assert [c["line"] for c in sorted(result["clients"], key=lambda c: c["line"])] == [3, 7]


def test_rows_read_through_the_column_caches_are_the_cases_read_cell_by_cell(knowledge, tmp_path):
    """The cached way and row_data + case_from_data give equal cases, and the same error."""
    from expert.errors import InputError
    from expert.portfolio import RowReader, open_input, row_data
    from expert.case import case_from_data

    header, rows = example_rows()
    details = {"jurisdiction": ["FR", "gb", ""], "contract_reference": ["CT-7", ""],
               "contract_date": ["2021-09-01", ""], "unpaid_amount": ["4 250,50 €", "1.250", ""],
               "unpaid_invoices": ["F-1, F-2", ""], "client_address": ["8 avenue Foch\n69006 Lyon", ""]}
    header = header + list(details)
    rows = [row + [random.Random(i).choice(values) for values in details.values()] for i, row in enumerate(rows)]
    rng = random.Random(14)
    odd = ["", " ", "OUI", "Non", "12,5 %", "douze", "on_time", "late", "EN", "de", "a@b", "x\x07y", "\udcff",
           "2025-02-30", "12,345.678", "01/09/2021", " , ", "DE"]
    book = [[rng.choice(odd) if rng.random() < 0.03 else cell for cell in rng.choice(rows)] for _ in range(300)]
    book.append(rows[0][:5])
    path = tmp_path / "book.csv"
    with open(path, "w", newline="", encoding="utf-8", errors="surrogateescape") as handle:  # \udcff: a stray byte
        csv.writer(handle).writerows([header, *book])
    columns, tasks = open_input(path, knowledge)
    reader, outcomes = RowReader(columns, knowledge), {"case": 0, "error": 0}
    for line, cells in tasks:
        try:
            expected = case_from_data(row_data(columns, line, cells, knowledge), knowledge, columns.path,
                                      lambda *keys: line)
        except InputError as error:
            with pytest.raises(InputError) as raised:
                reader.case(line, cells)
            assert (str(raised.value), raised.value.key) == (str(error), error.key)
            outcomes["error"] += 1
        else:
            case = reader.case(line, cells)
            assert case == expected and list(case.answers) == list(expected.answers)
            assert list(case.client) == list(expected.client) and list(case.provider) == list(expected.provider)
            outcomes["case"] += 1
            outcomes["details"] = outcomes.get("details", 0) + bool(case.unpaid and case.contract and case.jurisdiction)
    assert outcomes["case"] > 50 and outcomes["error"] > 50 and outcomes["details"] > 5


def test_a_clients_notes_are_said_in_the_language_of_its_documents(adieu, tmp_path):
    """A note on a French client's letter is French, label included, whatever the locale."""
    book = tmp_path / "notes.csv"
    book.write_text(
        "client_name,client_contact,client_email,provider_name,provider_signatory,provider_email,language,"
        "payment_behaviour,issue_raised,behaviour_trend\n"
        "Dupont,Marie Dupont,m@dupont.example,Atelier,Jean Martin,j@atelier.example,fr,unpaid_invoices,"
        "warned_in_writing,worsening\n"
        "Smith,Ann Smith,a@smith.example,Studio,John Roe,j@studio.example,en,unpaid_invoices,"
        "warned_in_writing,worsening\n", encoding="utf-8")
    done = adieu("portfolio", book, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    french = [line for line in lines if line.startswith(f"adieu: {book}:2: ")]
    english = [line for line in lines if line.startswith(f"adieu: {book}:3: ")]
    assert french and all(line.startswith(f"adieu: {book}:2: remarque : ") for line in french), lines
    assert english and all(line.startswith(f"adieu: {book}:3: note: ") for line in english), lines


@pytest.mark.parametrize("languages, title", [(("en", "en", "fr"), "Portfolio review: "),
                                              (("fr", "en", ""), "Revue du portefeuille : ")])
def test_a_review_is_written_in_the_language_most_of_its_cases_use(adieu, tmp_path, languages, title):
    """An empty language cell counts as the default language, French."""
    book = tmp_path / "book.csv"
    book.write_text("client_name,language,payment_behaviour\n" + "".join(
        f"Client {i},{language},unpaid_invoices\n" for i, language in enumerate(languages)), encoding="utf-8")
    done = adieu("portfolio", book)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(title + str(book))


def test_a_row_without_a_name_is_called_by_its_line_in_the_reviews_language(adieu, tmp_path):
    header, rows = example_rows()
    nameless = blank_row(header, payment_behaviour="unpaid_invoices")
    path = write_csv(tmp_path / "book.csv", header, [rows[0], nameless])
    text = adieu("portfolio", path)
    assert text.returncode == 0, text.stderr
    assert "ligne 3" in text.stdout and "line 3" not in text.stdout   # the example book is French
    _, data = review(adieu, path)
    assert "line 3" in [row["client"] for row in data["clients"]]     # the machine views keep their word


def _generated_rows(knowledge, rows: int, seed: int) -> tuple:
    """(header, rows) of a book of random answers, 40 % unknown; every seventh client's name
    starts like a spreadsheet formula."""
    rng = random.Random(seed)
    factors = list(knowledge.factors.values())
    header = ["client_name", "language"] + [f.id for f in factors]
    lines = []
    for i in range(rows):
        row = [("=" if i % 7 == 0 else "") + f"Client {i:04d}", rng.choice(["fr", "en"])]
        for factor in factors:
            if rng.random() < 0.4:
                row.append("")
            elif factor.values:
                row.append(str(rng.choice(factor.values)).lower())
            else:
                row.append(str(rng.randint(0, 30)))
        lines.append(row)
    return header, lines


def _generated_book(knowledge, path, rows: int, seed: int):
    return write_csv(path, *_generated_rows(knowledge, rows, seed))


def test_the_csv_view_of_a_book_longer_than_one_written_batch_is_the_json_view_row_for_row(knowledge, tmp_path):
    from expert.policy import load_policy
    from expert.portfolio import CSV_ROWS, render, review_portfolio

    path = _generated_book(knowledge, tmp_path / "book.csv", CSV_ROWS * 2 + 10, seed=8)
    review = review_portfolio(path, knowledge, load_policy(knowledge))
    pieces = list(render(review, "csv"))
    assert len(pieces) == 1 + 3  # the header, then the rows a batch at a time
    rows = list(csv.DictReader("".join(pieces).splitlines()))
    clients = json.loads("".join(render(review_portfolio(path, knowledge, load_policy(knowledge)), "json")))["clients"]
    assert len(rows) == len(clients) == CSV_ROWS * 2 + 10
    for row, client in zip(rows, clients):
        shown = {key: ("" if value is None else "true" if value is True else "false" if value is False
                       else ";".join(value) if isinstance(value, list) else str(value))
                 for key, value in client.items()}
        if shown["client"].startswith("="):  # a spreadsheet shows it as text, never runs it
            shown["client"] = "'" + shown["client"]
        assert row == shown


def test_a_rows_problems_are_the_three_most_severe_its_assessment_lists(knowledge, advisor, tmp_path):
    from expert.policy import load_policy
    from expert.portfolio import RowReader, Reviewer, open_input

    path = _generated_book(knowledge, tmp_path / "book.csv", 60, seed=9)
    columns, tasks = open_input(path, knowledge)
    reviewer, rows = Reviewer(knowledge, load_policy(knowledge), columns, language="en"), RowReader(columns, knowledge)
    rank = knowledge.severity_rank
    several = 0
    for line, cells in tasks:
        summary = reviewer.review((line, cells))
        problems = advisor.assess(rows.case(line, cells)).explanation().problems
        assert list(summary.problems) == [p["finding"] for p in problems][:3]
        levels = [rank.get(p["severity"], -1) for p in problems]
        assert levels == sorted(levels, reverse=True)
        several += len(set(levels)) > 1
    assert several > 5  # the ranking was put to the test


def test_the_rule_base_is_kept_from_the_garbage_collector_during_a_review_and_only_then(knowledge):
    import gc

    from expert.policy import load_policy
    from expert.portfolio import review_portfolio

    def frozen_during_a_review() -> list:
        during = []
        review_portfolio(EXAMPLE, knowledge, load_policy(knowledge), progress=lambda: during.append(gc.get_freeze_count()))
        return during

    before = gc.get_freeze_count()  # Python 3.12 starts with some objects frozen
    during = frozen_during_a_review()
    assert during and min(during) > before
    if before == 0:
        assert gc.get_freeze_count() == 0   # thawed
    else:
        assert gc.get_freeze_count() > before  # left frozen: thawing would thaw what was frozen before
    gc.freeze()  # a caller's own freeze is its to keep
    try:
        frozen = gc.get_freeze_count()
        assert min(frozen_during_a_review()) > frozen and gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def test_a_books_letter_details_columns_reach_each_clients_letter(adieu, tmp_path):
    """A CRM export may carry what a letter needs beyond the answers, typed as the interview
    takes it: the contract, the invoices still unpaid, the addresses, the jurisdiction."""
    book = tmp_path / "book.csv"
    write_csv(book, ["client_name", "client_contact", "client_address", "provider_name", "provider_signatory",
                     "provider_place", "language", "jurisdiction", "contract_reference", "contract_date",
                     "contract_warning_date", "unpaid_amount", "unpaid_invoices", "payment_behaviour",
                     "issue_raised", "behaviour_trend", "revenue_share"],
              [["Garage Roux SAS", "Me Anne Roux", "8 avenue Foch\n69006 Lyon", "Atelier Martin", "Jean Martin",
                "Villeurbanne", "fr", "fr", "CT-2021-07", "01/09/2021", "2025-01-15", "1.250,50 €",
                "F-2024-118, F-2025-004", "unpaid_invoices", "warned_in_writing", "worsening", "4"]])
    done = adieu("portfolio", book, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    letter = " ".join((tmp_path / "out" / "000002-garage-roux-sas.letter.txt").read_text(encoding="utf-8").split())
    letter = letter.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Résiliation du contrat n° CT-2021-07 du 1er septembre 2021" in letter
    assert "Par un précédent courrier du 15 janvier 2025" in letter
    assert "(factures n° F-2024-118 et F-2025-004, d’un total de 1 250,50 €)" in letter
    assert "8 avenue Foch 69006 Lyon" in letter and "Villeurbanne, le " in letter


@pytest.mark.parametrize("column,cell,expected", [
    ("contract_date", "31/09/2021", "contract_date: expected a date that exists (check the day and the month), got '31/09/2021'"),
    ("unpaid_amount", "beaucoup", "unpaid_amount: expected an amount from 0"),
    ("jurisdiction", "DE", "jurisdiction: expected one of FR, GB, got 'DE'"),
])
def test_a_bad_letter_detail_cell_skips_its_row_naming_the_line_and_the_column(adieu, tmp_path, column, cell, expected):
    book = write_csv(tmp_path / "book.csv", ["client_name", "payment_behaviour", column],
                     [["Garage Roux SAS", "often_late", cell], ["Dupont SA", "often_late", ""]])
    done = adieu("portfolio", book, "--format", "json")
    assert done.returncode == 1
    assert done.stderr.startswith(f"adieu: {book}:2: {expected}") and len(done.stderr.splitlines()) == 1
    assert json.loads(done.stdout)["assessed"] == 1


def test_an_excel_export_that_names_its_separator_on_the_first_line_is_read(adieu, tmp_path):
    """Excel writes "sep=;" above the header when asked to: the rows keep their line numbers."""
    book = tmp_path / "book.csv"
    book.write_text("sep=;\nclient_name;revenue_share;payment_behaviour\nDupont;12,5;on_time\nMartin;150;on_time\n",
                    encoding="utf-8")
    done = adieu("portfolio", book, "--format", "csv")
    assert done.returncode == 1
    assert done.stdout.splitlines()[1].startswith(f"1,3,{book},Dupont,")
    assert done.stderr == (f"adieu: {book}:4: revenue_share: expected a number from 0 to 100, got '150' "
                           f"(row skipped)\n")


@pytest.mark.parametrize("name", ["case.yaml", "case.json", "CASE.YML"])
def test_a_single_case_file_given_as_a_client_book_says_so(adieu, tmp_path, name):
    case = tmp_path / name
    case.write_text("language: fr\nanswers: {}\n", encoding="utf-8")
    done = adieu("portfolio", case)
    assert done.returncode == 2
    assert done.stderr == (f"adieu: {case}: is a case file, not a client book: give a CSV export or a folder "
                           f"of case files (for one case: adieu assess FILE)\n")
