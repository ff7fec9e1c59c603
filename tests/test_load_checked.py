"""A rule base read and checked once is kept for the next load of the same files, and read
anew as soon as any of its files changes; a broken one is never kept."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from conftest import ROOT
from expert.checker import load_checked
from expert.errors import KnowledgeError, RuleBaseProblems

TITLE = "Gestion Relations Clients Délicates (sept motifs)"


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    return tmp_path / "knowledge"


def edit(path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_loading_the_same_rule_base_again_gives_the_rule_base_already_checked(copy):
    assert load_checked(copy) is load_checked(copy)


def test_a_file_changed_in_place_is_read_anew_even_at_the_same_size(copy):
    first = load_checked(copy)
    edit(copy / "sources.yaml", TITLE, TITLE.replace("sept", "SEPT"))
    again = load_checked(copy)
    assert again is not first
    assert again.sources["sept-motifs"]["title"] == TITLE.replace("sept", "SEPT")
    assert first.sources["sept-motifs"]["title"] == TITLE


def test_a_rule_file_added_is_read(copy):
    load_checked(copy)
    shutil.copy(copy / "rules" / "context.yaml", copy / "rules" / "context-copy.yaml")
    with pytest.raises(KnowledgeError, match="already used"):   # its rule ids twice: the copy was read
        load_checked(copy)


def test_a_broken_rule_base_is_refused_every_time_and_once_mended_is_loaded(copy):
    load_checked(copy)
    edit(copy / "rules" / "findings.yaml", "layer:", "layer_misspelt:")
    for _ in range(2):
        with pytest.raises((KnowledgeError, RuleBaseProblems)):
            load_checked(copy)
    edit(copy / "rules" / "findings.yaml", "layer_misspelt:", "layer:")
    assert load_checked(copy).rules


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_beside_the_rule_base_is_never_opened(copy):
    os.mkfifo(copy / "notes")
    loaded = {}
    reader = threading.Thread(target=lambda: loaded.update(knowledge=load_checked(copy)), daemon=True)
    reader.start()
    reader.join(20)
    assert not reader.is_alive(), "load_checked waited on the pipe"
    assert loaded["knowledge"].rules


def test_a_folder_too_big_for_a_rule_base_is_not_read_through_to_be_kept(copy, monkeypatch):
    import expert.files as files

    monkeypatch.setattr(files, "DIGEST_FILES", 5)      # the shipped rule base has a dozen files
    assert files.folder_digest(copy) is None
    assert load_checked(copy) is not load_checked(copy)   # still loaded, only not kept
