"""Errors about a file the user gave follow their locale (LANG), English by default: the same
one line (file, line, key, what was expected) and exit status 2, with the words of
templates/messages/<lang>.yaml. Every message the program can write about such a file has
its French, so that a new message without one fails here rather than reaching a French user
in English. The command line follows the locale too: its help, its usage errors (argparse's
and ours) and the numbers they hold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from expert.errors import InputError, KnowledgeError
from expert.interview.session import VERSION
from expert.messages import error_message, messages, translate

CORPUS = ROOT / "tests" / "bad_inputs"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
GOOD_CASE = ROOT / "examples" / "late-payer.yaml"

# Words of the English messages that French never uses; what the file itself holds (quoted
# values, keys, factor ids) is taken out first.
ENGLISH = re.compile(r"\b(expected|got|the|is|not|of|must|file|number|text|key|unknown|cannot|found|with|and|"
                     r"allowed|empty|too|large|valid|than|most|should|there|after|before|period|only|"
                     r"folder|column|named|twice|setting|damaged|session|read|write|needs|letter)\b", re.IGNORECASE)
FILE_WORDS = re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»|\S*[-_\d\\]\S*|!!\w+|\b(?:true|false|null|YAML|JSON|CSV|UTF|NaN|"
                        r"Infinity|language|client|provider|answers|name|contact|email|address|red_lines)\b")


def english_words(line: str) -> list:
    return ENGLISH.findall(FILE_WORDS.sub(" ", line))


def arguments(kind: str, path: str, out: Path) -> list:
    return {"case": ["assess", path], "policy": ["assess", str(GOOD_CASE), "--policy", path],
            "portfolio": ["portfolio", path, "--out", str(out / "documents")]}[kind]


def english_line(name: str, path: str, knowledge) -> str:
    factors = ", ".join(knowledge.factors)
    red_line_factors = ", ".join(f.id for f in knowledge.factors.values() if f.ordered)
    return (EXPECTED[name]["stderr"].replace("{file}", path)
            .replace("{factors}", factors).replace("{red_line_factors}", red_line_factors))


@pytest.mark.parametrize("name", sorted(name for name, entry in EXPECTED.items() if not entry.get("xfail")))
def test_a_bad_file_is_refused_in_french_when_the_locale_is_french(name, adieu, knowledge, monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    path = str((CORPUS / name).relative_to(ROOT))
    done = adieu(*arguments(EXPECTED[name]["command"], path, tmp_path))
    assert done.returncode == 2 and done.stdout == ""
    [line] = done.stderr.splitlines()
    english = english_line(name, path, knowledge)
    # The same place (file, line, key) as the English line, and then French words only.
    where = re.match(r"adieu: (\S+?:(?:\d+:)?)", english).group(1)
    assert line.startswith(f"adieu: {where}") and line != english, line
    assert not english_words(line), (line, english_words(line))


@pytest.mark.parametrize("locale", ["en_GB.UTF-8", "de_DE.UTF-8", "C", ""])
def test_errors_are_in_english_by_default(locale, adieu, knowledge, monkeypatch):
    """English for an English locale, for a language Adieu does not speak, and without one."""
    monkeypatch.setenv("LANG", locale)
    name = "case-unknown-value.yaml" if "case-unknown-value.yaml" in EXPECTED else sorted(EXPECTED)[0]
    path = str((CORPUS / name).relative_to(ROOT))
    done = adieu(*arguments(EXPECTED[name]["command"], path, Path(".")))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [english_line(name, path, knowledge)]


def test_lc_all_wins_over_lang(adieu, monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    done = adieu("assess", tmp_path / "missing.yaml")
    assert done.returncode == 2
    assert done.stderr == f"adieu: {tmp_path / 'missing.yaml'}: fichier introuvable\n"


def test_the_interview_says_its_errors_in_its_own_language(adieu, monkeypatch, tmp_path):
    """--language fr wins over an English locale, for a case file given with --answers."""
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    (tmp_path / "case.yaml").write_text("answers:\n  payment_behaviour: late\n", encoding="utf-8")
    done = adieu("interview", "--plain", "--language", "fr", "--answers", "case.yaml", cwd=tmp_path, input="")
    assert done.returncode == 2
    assert done.stderr == ("adieu: case.yaml:2: answers.payment_behaviour: attendu : l’une des valeurs on_time, "
                           "sometimes_late, often_late, unpaid_invoices ; trouvé : 'late'\n")


def test_a_damaged_session_is_refused_in_the_locale_language(adieu, monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    (tmp_path / "s.json").write_text('{"format": "adieu-interview-session", "version": 9}', encoding="utf-8")
    done = adieu("interview", "--plain", "--resume", "s.json", cwd=tmp_path, input="")
    assert done.returncode == 2
    assert done.stderr == ("adieu: s.json: version: enregistré par une version plus récente d’Adieu "
                           f"(format 9 ; celle-ci lit le format {VERSION})\n")


def test_what_a_message_fills_in_is_translated_too():
    """Words the readers add (here the e-mail check's reason) are said in French; a reason
    the catalogue does not know is replaced by its general French, never left in English."""
    known = ("expected an e-mail address like name@example.com, got 'a@b' "
             "(the part after the @-sign is not valid. It should have a period)")
    assert translate(known, "fr") == ("attendu : une adresse e-mail comme nom@exemple.fr ; trouvé : 'a@b' "
                                      "(la partie après le @ doit contenir un point)")
    unknown = "expected an e-mail address like name@example.com, got 'a@b' (a reason no one has seen)"
    assert not english_words(translate(unknown, "fr"))
    assert translate(known, "en") == known


def test_each_translation_fills_in_what_its_english_message_holds():
    """A translation that asks for a part its message does not fill in is a typo (leaving one
    out is allowed: a parser's token, an e-mail check's byte count)."""
    from expert.messages import PLACE, messages

    errors = messages("fr").data["errors"]
    catalogues = [errors["messages"], *errors["words"].values()]
    for catalogue in catalogues:
        for english, said in catalogue.items():
            if english != "*":
                assert set(PLACE.findall(said.replace("{{", "").replace("}}", ""))) <= set(PLACE.findall(english)), english
    assert translate("invalid YAML: character U+0001 is not allowed", "fr") == \
        "YAML invalide : le caractère U+0001 n’est pas permis", "the most specific message wins"


def test_the_rule_base_errors_stay_as_written():
    """Rule-base errors are for its authors, whose language is the rule base's comments'."""
    error = KnowledgeError("knowledge/factors.yaml", "duplicate key", key="factors.x", line=3)
    assert error_message(error, "fr") == str(error)
    assert error_message(InputError("case.yaml", "duplicate key", key="a", line=3), "fr") == "case.yaml:3: a: clé en double"


# -- every message has its French ------------------------------------------------------------

SCANNED = sorted({*(ROOT / "expert").glob("*.py"), *(ROOT / "expert" / "interview").glob("*.py")})
FAILS = {"case.py", "answers.py", "policy.py", "session.py", "portfolio.py"}   # fail(message) raises an InputError


def _template(node):
    """A message as written in the code, each value it fills in as {x}; None if not a literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{x}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        return (left or "{x}") + (right or "{x}") if left or right else None
    return None


def messages_in_the_code() -> list:
    found = []
    for path in SCANNED:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name == "InputError" and len(node.args) >= 2:
                candidates = [node.args[1]]
            elif name == "UsageError" and any(k.arg == "command" for k in node.keywords):
                candidates = [node.args[0]]
            elif name == "fail" and path.name in FAILS:
                candidates = node.args
            else:
                continue
            text = next((t for t in map(_template, candidates) if t is not None), None)
            if text is not None:
                found.append((f"{path.name}:{node.lineno}", text))
    return found


def test_the_scan_finds_the_messages():
    texts = [text for _, text in messages_in_the_code()]
    assert len(texts) > 100
    assert "duplicate key" in texts and "expected one of {x}, got {x}" in texts


@pytest.mark.parametrize("where, template", messages_in_the_code())
def test_every_message_about_a_file_has_its_french(where, template):
    sample = template.replace("{x}", "X9")
    said = translate(sample, "fr")
    assert said != sample, f"{where}: no French for {template!r} in templates/messages/fr.yaml"
    assert not english_words(said), (where, said)


def test_an_interruption_is_said_in_the_locale_language(adieu, monkeypatch):
    import expert.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_assess", interrupted)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    done = adieu("assess", GOOD_CASE)
    assert (done.returncode, done.stderr) == (130, "adieu: interrompu\n")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert adieu("assess", GOOD_CASE).stderr == "adieu: interrupted\n"


# -- the command line: its help, its usage errors, its hints -----------------------------------

def test_the_help_is_in_the_locale_language(adieu, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    top, memo = adieu("--help"), adieu("memo", "--help")
    assert top.returncode == memo.returncode == 0
    assert top.stdout.startswith("usage : adieu [-h] [--knowledge DOSSIER] COMMANDE ...")
    assert "afficher cette aide et quitter" in top.stdout and "évaluer un dossier client" in top.stdout
    assert "écrire dans FICHIER plutôt que dans le terminal" in " ".join(memo.stdout.split())
    english = messages("en").data["help"]
    assert set(english) == set(messages("fr").data["help"]), "every help text in both languages"
    leaks = [key for key, text in english.items()
             if isinstance(text, str) and len(text) > 12 and text.split(";")[0] in top.stdout + memo.stdout]
    assert not leaks and "usage:" not in top.stdout + memo.stdout, leaks
    monkeypatch.setenv("LANG", "C")
    assert adieu("--help").stdout.startswith("usage: adieu [-h] [--knowledge DIR] COMMAND ...")


@pytest.mark.parametrize("arguments, french, english", [
    (["assess"], "adieu assess: il manque : DOSSIER_CLIENT (voir « adieu assess --help »)",
     "adieu assess: the following arguments are required: CASE (see 'adieu assess --help')"),
    (["assess", "x.yaml", "--format", "pdf"], "adieu assess: --format : choix invalide : 'pdf' (au choix : ",
     "adieu assess: argument --format: invalid choice: 'pdf' (choose from "),
    (["portfolio", "x.csv", "--jobs", "z"], "adieu portfolio: --jobs : valeur invalide : 'z' (voir « ",
     "adieu portfolio: argument --jobs: invalid int value: 'z' (see "),
    (["frob"], "adieu: COMMANDE : choix invalide : 'frob'", "adieu: argument COMMAND: invalid choice: 'frob'"),
    (["assess", "x.yaml", "--bogus"], "adieu: option ou argument inconnu : --bogus (voir « adieu --help »)",
     "adieu: unrecognized arguments: --bogus (see 'adieu --help')"),
    (["portfolio", "x.csv", "--jobs", "0"], "adieu portfolio: --jobs doit valoir au moins 1",
     "adieu portfolio: --jobs must be 1 or more"),
])
def test_a_usage_error_is_one_line_in_the_locale_language(arguments, french, english, adieu, monkeypatch):
    for locale, expected in (("fr_FR.UTF-8", french), ("C", english)):
        monkeypatch.setenv("LANG", locale)
        done = adieu(*arguments)
        assert done.returncode == 2 and done.stderr.count("\n") == 1
        assert done.stderr.startswith(expected), done.stderr


def test_numbers_in_a_message_are_written_as_the_language_writes_them(adieu, monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    done = adieu("knowledge", "check", "--samples", "99999999")
    assert done.stderr == "adieu knowledge check: --samples doit être compris entre 0 et 1\u202f000\u202f000\n"
    large = tmp_path / "large.yaml"
    large.write_text("#" * (2 * 1024 * 1024), encoding="utf-8")
    refused = adieu("assess", large)
    assert refused.returncode == 2
    assert refused.stderr.endswith("(2\u202f097\u202f152 octets ; au plus 1\u202f048\u202f576)\n"), refused.stderr
    monkeypatch.setenv("LANG", "C")
    assert adieu("knowledge", "check", "--samples", "99999999").stderr.endswith(" 1,000,000\n")


def test_a_refused_overwrite_names_the_whole_command_in_the_locale_language(adieu, monkeypatch, tmp_path):
    (tmp_path / "memo.md").write_text("mine", encoding="utf-8")
    command = f"adieu memo {GOOD_CASE} -o memo.md --force"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    done = adieu("memo", GOOD_CASE, "-o", "memo.md", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, f"adieu: memo.md: existe déjà (pour le remplacer : « {command} »)\n")
    monkeypatch.setenv("LANG", "C")
    done = adieu("memo", GOOD_CASE, "-o", "memo.md", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, f"adieu: memo.md: already exists (to replace it: {command})\n")
    assert (tmp_path / "memo.md").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("tag, french", [
    ("{{ letter.closing ", "balise de modèle incorrecte (détail en anglais : « "),
    ("{{ letter.nowhere }}", "le papier à en-tête demande « nowhere », qu’Adieu ne fournit pas"),
    ("{{ nothing_here }}", "le papier à en-tête demande « nothing_here », qu’Adieu ne fournit pas"),
    ("{{ letter.closing|nofilter }}", "le papier à en-tête emploie le filtre « nofilter », qui n’existe pas"),
])
def test_a_broken_letterhead_is_said_in_the_locale_language(tag, french, adieu, monkeypatch, tmp_path):
    """The library's own detail, when there is nothing to name, stays quoted inside our sentence."""
    from docx import Document as WordDocument

    word = WordDocument(ROOT / "templates" / "letter" / "layout" / "letter.docx")
    word.add_paragraph(tag)
    word.save(tmp_path / "mine.docx")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    done = adieu("letter", GOOD_CASE, "--format", "docx", "--template", "mine.docx", "-o", "x.docx", cwd=tmp_path)
    assert done.returncode == 2 and not (tmp_path / "x.docx").exists()
    [line] = done.stderr.splitlines()
    assert line.startswith(f"adieu: mine.docx: {french}"), line
    assert not english_words(re.sub(r"«[^»]*»", "", line)), line
