"""libyaml speeds up reading, but every file must read exactly as the pure-Python parser reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from expert import files

ROOT = Path(__file__).resolve().parent.parent


def _utf8(path: Path) -> bool:
    try:
        path.read_text(encoding="utf-8")
        return True
    except UnicodeDecodeError:  # refused before any parser sees it
        return False


YAML_FILES = sorted(str(p.relative_to(ROOT)) for folder in ("knowledge", "tests/scenarios", "examples",
                                                              "tests/bad_inputs")
                    for p in (ROOT / folder).rglob("*.y*ml") if _utf8(p))


def _read_with(loader_class, path: Path):
    try:
        return files._compose_and_build(path, path.read_text(encoding="utf-8"), loader_class)
    except Exception:  # refused: both parsers must refuse, whatever their wording
        return None


@pytest.mark.skipif(files.FastStrictLoader is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("name", YAML_FILES)
def test_libyaml_and_pure_python_read_the_same_data_and_lines(name):
    path = ROOT / name
    fast, slow = _read_with(files.FastStrictLoader, path), _read_with(files.StrictLoader, path)
    if slow is None:
        assert fast is None, "libyaml accepted a file the strict parser refuses"
    else:
        assert (fast.data, fast.lines) == (slow.data, slow.lines)


def test_an_alias_is_refused_with_its_line_whichever_parser_runs(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("client:\n  name: &n Acme\n  contact: *n\n", encoding="utf-8")
    with pytest.raises(files.InputError) as caught:
        files.read_document(case)
    assert str(caught.value).endswith(":3: invalid YAML: YAML aliases (*name) are not allowed")


@pytest.mark.skipif(files.FastStrictLoader is None, reason="PyYAML built without libyaml")
def test_a_valid_file_is_read_by_libyaml_alone(monkeypatch):
    class Refused(files.StrictLoader):
        def __init__(self, stream):
            raise AssertionError("the pure-Python parser was used for a valid file")

    monkeypatch.setattr(files, "StrictLoader", Refused)
    assert files.read_document(ROOT / "knowledge" / "factors.yaml").data["factors"]


# -- YAML 1.2 core schema: the meaning a CSV cell or the interview gives ---------------------

CORE_SCHEMA = [
    ("060", 60), ("090", 90), ("0o17", 15), ("0x1F", 31), ("-12", -12), ("+7", 7), ("12.50", 12.5),
    ("1e3", 1000.0), ("1:30", "1:30"), ("1_000", "1_000"), ("2024-01-01", "2024-01-01"), ("yes", "yes"),
    ("no", "no"), ("on", "on"), ("True", True), ("FALSE", False), ("~", None), ("null", None),
    ("0b101", "0b101"), (".5", 0.5),
]


@pytest.mark.parametrize("loader", [files.StrictLoader, files.FastStrictLoader], ids=["python", "libyaml"])
@pytest.mark.parametrize("written,meaning", CORE_SCHEMA)
def test_plain_scalars_mean_what_the_yaml_1_2_core_schema_says(tmp_path, loader, written, meaning):
    if loader is None:
        pytest.skip("PyYAML built without libyaml")
    path = tmp_path / "case.yaml"
    path.write_text(f"value: {written}\n", encoding="utf-8")
    value = files._compose_and_build(path, path.read_text(encoding="utf-8"), loader).data["value"]
    assert value == meaning and type(value) is type(meaning)


def test_a_text_field_keeps_the_scalar_as_typed(tmp_path):
    from expert.case import load_case
    from expert.knowledge import load_knowledge

    path = tmp_path / "case.yaml"
    path.write_text("client:\n  name: 0777\n  contact: 2024-01-01 10:00:00\nprovider:\n  name: 12.50\n"
                    "  signatory: true\nanswers:\n  notice_period_days: 060\n", encoding="utf-8")
    case = load_case(path, load_knowledge())
    assert case.client == {"name": "0777", "contact": "2024-01-01 10:00:00"}
    assert case.provider == {"name": "12.50", "signatory": "true"}
    assert case.answers == {"notice_period_days": 60}


@pytest.mark.parametrize("written,message", [
    ('!!timestamp "x"', "'x' is not a date (!!timestamp expects YYYY-MM-DD)"),
    ('!!bool "maybe"', "'maybe' is not a valid !!bool (expected true or false)"),
    ('!!int "twelve"', "'twelve' is not a valid !!int (expected a whole number)"),
    ('!!float "ten"', "'ten' is not a valid !!float (expected a number)"),
    ('!!null "nothing"', "'nothing' is not a valid !!null (expected null, ~ or nothing)"),
])
def test_an_explicit_tag_that_does_not_fit_its_text_is_one_clear_line(tmp_path, written, message):
    path = tmp_path / "policy.yaml"
    path.write_text(f"# mine\nmax_revenue_share: {written}\n", encoding="utf-8")
    with pytest.raises(files.InputError) as refused:
        files.read_document(path)
    assert str(refused.value) == f"{path}:2: max_revenue_share: {message}"


def test_an_explicit_tag_in_the_rule_base_is_refused_with_its_line(tmp_path):
    import shutil

    from expert.errors import KnowledgeError
    from expert.knowledge import load_knowledge

    root = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    policy = root / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("default: 10", 'default: !!int "ten"', 1),
                      encoding="utf-8")
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(root)
    assert refused.value.line and "'ten' is not a valid !!int (expected a whole number)" in str(refused.value)
