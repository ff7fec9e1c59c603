"""The benchmark's reference points measure what they say: the plain-Python evaluation gives
the engine's verdicts, and floor 4 replays exactly the engine's calls to durable-rules. The
memory benchmark runs (on a tiny book) and leaves no folder or process behind, even stopped."""

from __future__ import annotations

import os
import random
import sys

import pytest
import yaml

from conftest import ROOT
from expert.advisor import Advisor
from expert.policy import load_policy
from scenario_files import load_scenario, scenario_paths

sys.path.insert(0, str(ROOT / "benchmarks"))

from plain_python import PlainRules  # noqa: E402
import run  # noqa: E402


@pytest.fixture(scope="module")
def cases(advisor):
    rng = random.Random(14)
    return [advisor.case({"answers": run.distinct_answers(advisor.knowledge, rng, i)}).answers for i in range(400)]


def test_plain_python_gives_the_engines_verdict_on_every_scenario(advisor, tmp_path):
    for path in scenario_paths():
        scenario = load_scenario(path)
        assessor = advisor
        if "policy" in scenario:  # a policy of its own: red lines, thresholds
            (tmp_path / "policy.yaml").write_text(yaml.safe_dump(scenario["policy"]), encoding="utf-8")
            assessor = Advisor(knowledge=advisor.knowledge,
                               policy=load_policy(advisor.knowledge, tmp_path / "policy.yaml"))
        answers = assessor.case(scenario["case"], str(path)).answers
        verdict = PlainRules(assessor.engine).verdict(answers)
        assert dict(verdict) == scenario["expect"], path.name


def test_plain_python_gives_the_engines_verdict_on_random_cases(advisor, cases):
    plain = PlainRules(advisor.engine)
    assert [plain.verdict(answers) for answers in cases] == [advisor.engine.reason(answers, False).verdict
                                                             for answers in cases]


def test_floor_4_replays_the_engines_calls_and_takes_the_same_activations(advisor, cases):
    from expert.compiler import compile_rules

    calls = run._recorded_calls(advisor.knowledge, advisor.policy, cases)
    engine = Advisor(knowledge=advisor.knowledge, policy=advisor.policy).engine
    firings = sum(len(engine.reason(answers, False).conclusions()) for answers in cases)
    _, activations = run._floor_replay(compile_rules(advisor.knowledge, advisor.policy)[0], calls)
    assert activations == firings   # and it stops if durable-rules offers one more than the engine took


def test_memory_benchmark_measures_both_runs_and_leaves_no_folder_behind(tmp_path, monkeypatch):
    import tempfile

    import memory

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    results_file = tmp_path / "RESULTS.md"
    results_file.write_text("# Benchmarks\n\n## Measured apart\n\n### Another measurement\n\nkept\n", encoding="utf-8")
    results = memory.main(["--sizes", "200", "--out", str(results_file)])
    assert [(r["size"], r["jobs"]) for r in results] == [(200, None), (200, 2)]
    assert all(r["pss_sum"] > 0 and r["rss_sum"] >= r["pss_sum"] and r["identical"] for r in results)
    from expert.portfolio import usable_cpus

    # --jobs 2: the command and its two workers (one process on a machine of one CPU)
    assert [r["processes"] for r in results] == [1, 3 if usable_cpus() >= 2 else 1]
    text = results_file.read_text(encoding="utf-8")
    assert "### Another measurement\n\nkept\n" in text
    assert text.count(memory.HEADING) == 1 and "| 200 | " in text
    assert list(scratch.iterdir()) == []


def test_memory_benchmark_replaces_its_own_section_and_keeps_the_others():
    import memory

    old = ("# Benchmarks\n\n## Measured apart\n\n### First\n\none\n\n"
           f"{memory.HEADING} at 10 rows (then)\n\nold figures\n\n### Last\n\nthree\n")
    new = memory.replace_section(old, f"{memory.HEADING} at 20 rows (now)\n\nnew figures\n")
    assert "old figures" not in new and "new figures" in new
    assert new.index("### First") < new.index("new figures") < new.index("### Last")
    assert memory.replace_section("# Benchmarks\n", "section\n").endswith("## Measured apart\n\nsection\n")


@pytest.mark.slow
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="--jobs 2 starts workers only with two CPUs")
def test_memory_benchmark_stopped_by_sigterm_ends_every_process_and_removes_its_folder(tmp_path, monkeypatch):
    import signal
    import tempfile
    import threading
    import time

    import memory

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    seen: set = set()

    def stop_once_the_workers_run():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            tree = run._tree(os.getpid())[1:]
            seen.update(tree)
            if len(tree) >= 3:   # the command and its two workers
                signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)
                return
            time.sleep(0.02)

    watcher = threading.Thread(target=stop_once_the_workers_run, daemon=True)
    watcher.start()
    with pytest.raises(memory.Interrupted):
        memory.main(["--sizes", "10000", "--out", str(tmp_path / "RESULTS.md")])
    watcher.join()
    assert len(seen) >= 3
    assert [pid for pid in seen if _running(pid)] == []
    assert list(scratch.iterdir()) == [] and not (tmp_path / "RESULTS.md").exists()


def test_memory_benchmark_names_the_clients_one_output_has_and_the_other_lacks(tmp_path):
    import memory

    book = f"{tmp_path}/book.csv".encode()
    (tmp_path / "a.csv").write_bytes(b"rank,source,client\n1,%s,A\n2,%s,B\n3,%s,C\n" % (book, book, book))
    (tmp_path / "b.csv").write_bytes(b"rank,source,client\n1,%s,C\n2,%s,A\n" % (book, book))  # B missing
    assert memory.differing_lines(tmp_path / "a.csv", tmp_path / "b.csv") == (1, [b"book.csv,B\n"], 0, [])


def _running(pid: int) -> bool:
    """The process exists and is not a zombie (one whose parent has not yet reaped it)."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"
