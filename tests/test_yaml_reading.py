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
