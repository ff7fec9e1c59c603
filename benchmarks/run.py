"""Measure Adieu's start-up, reasoning latency, portfolio throughput and engine floor, and
write the figures, next to their targets (issues 5 and 14), to benchmarks/RESULTS.md.

    python benchmarks/run.py            # the full run: about seven minutes on two cores
    python benchmarks/run.py --quick    # small sizes, to check the script itself
    python benchmarks/run.py --out FILE # write the results elsewhere

Run it with the Python of the environment Adieu is installed in. Generated inputs go to a
temporary folder removed at the end. Nothing here asserts a time: these are measurements,
not tests. Other work running on the machine slows every figure down; the load average
before and after the run is recorded with the results.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import csv
import datetime
import gc
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import itertools
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from expert.advisor import Advisor  # noqa: E402
from expert.compiler import CASE, FINDING, compile_rules  # noqa: E402
from expert.portfolio import render, revenue_factor, review_portfolio  # noqa: E402
from plain_python import PlainRules  # noqa: E402

TARGETS = {
    "help_ms": 150, "help_ratio": 6, "answer_p99_ms": 10, "per_process": 1500, "floor_ratio": 1.5,
    "hundred_k_s": 60, "rss_mb": 150,
    # issue 14: the 10k-row book read, validated, reasoned and written in this process, and the
    # pipeline against the C engine replaying exactly the engine's own calls
    "distinct_per_second": 8000, "replay_ratio": 1.5,
}


# -- the machine ------------------------------------------------------------------------

def machine() -> dict:
    def first(path, prefix):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    memory = first("/proc/meminfo", "MemTotal")
    if memory.endswith("kB"):
        memory = f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": first("/proc/cpuinfo", "model name"),
        "memory": memory,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "durable_rules": metadata.version("durable_rules"),
        "system": platform.platform(),
    }


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"


# -- generated cases --------------------------------------------------------------------

def random_answers(knowledge, rng, known=0.75) -> dict:
    answers = {}
    for factor in knowledge.factors.values():
        if rng.random() > known:
            continue
        if factor.values:
            answers[factor.id] = rng.choice(factor.values)
        elif factor.type == "integer":
            answers[factor.id] = rng.randint(int(factor.minimum), int(min(factor.maximum, 365)))
        else:
            answers[factor.id] = round(rng.uniform(factor.minimum, min(factor.maximum, 40)), 2)
    return answers


def distinct_answers(knowledge, rng, index: int) -> dict:
    """Random answers, made unique by writing `index` into two number factors, and past what
    those two can tell apart, into a third, with a value above those random_answers draws."""
    answers = random_answers(knowledge, rng)
    numbers = [f for f in knowledge.factors.values() if f.type in ("number", "integer")]
    fine, coarse = numbers[0], numbers[1]
    fine_value = (index % 3000) / 100 if fine.type == "number" else index % 3000
    answers[fine.id] = fine.minimum + fine_value
    span = int(coarse.maximum) - int(coarse.minimum) + 1
    answers[coarse.id] = int(coarse.minimum) + (index // 3000) % span
    extra = index // (3000 * span)
    if extra:
        third = numbers[2] if len(numbers) > 2 else None
        value = third and third.minimum + (365 if third.type == "integer" else 40) + extra
        if third is None or value > third.maximum:
            raise ValueError(f"this rule base's number factors cannot make {index + 1:,} answer sets distinct")
        answers[third.id] = int(value) if third.type == "integer" else value
    return answers


def repetitive_answers(knowledge, rng, profiles: list) -> dict:
    """A CRM book as it often is: a few dozen situations, sparse answers, round numbers."""
    answers = dict(rng.choice(profiles))
    revenue = revenue_factor(knowledge)
    if revenue:
        answers[revenue] = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 8, 10, 12, 15, 20])
    return answers


def profiles(knowledge, rng, count=40) -> list:
    result = []
    for _ in range(count):
        answers = {f: v for f, v in random_answers(knowledge, rng, known=0.35).items()
                   if knowledge.factors[f].values}
        result.append(answers)
    return result


def write_csv(path: Path, knowledge, answer_rows) -> int:
    """A CRM-like export: French rows write booleans as oui/non and decimals with a comma; the
    provider's details repeat on every row, as in a real book."""
    factors = list(knowledge.factors)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["client_name", "client_contact", "client_email", "provider_name", "provider_signatory",
                         "provider_email", "language", *factors])
        count = 0
        for index, answers in enumerate(answer_rows):
            language = "fr" if index % 3 else "en"
            row = [f"Client {index:06d}", ("Mme " if index % 2 else "M. ") + f"Contact {index}",
                   f"contact{index}@client{index}.example", "Atelier Martin", "Jean Martin",
                   "jean@atelier-martin.example", language]
            for factor in factors:
                value = answers.get(factor)
                if value is None:
                    row.append("")
                elif isinstance(value, bool):
                    row.append(("oui" if value else "non") if language == "fr" else str(value).lower())
                elif isinstance(value, float) and language == "fr":
                    row.append(f"{value:g}".replace(".", ","))
                else:
                    row.append(f"{value:g}" if isinstance(value, float) else str(value))
            writer.writerow(row)
            count += 1
    return count


# -- 1. cold start ----------------------------------------------------------------------

def adieu_command() -> list:
    script = Path(sys.executable).with_name("adieu")
    return [str(script)] if script.exists() else [sys.executable, "-m", "expert"]


def wall_times(command: list, repeat: int) -> list:
    for _ in range(2):  # warm the file cache
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, check=True)
        times.append(time.perf_counter() - start)
    return times


def cold_start(repeat: int) -> dict:
    adieu = adieu_command()
    case = str(ROOT / "examples" / "late-payer.yaml")
    result = {
        "command": " ".join(Path(adieu[0]).name if i == 0 else part for i, part in enumerate(adieu)),
        "pass": statistics.median(wall_times([sys.executable, "-c", "pass"], repeat)),
        "help": statistics.median(wall_times(adieu + ["--help"], repeat)),
        "assess": statistics.median(wall_times(adieu + ["assess", case], max(5, repeat // 2))),
    }
    # Where `assess` spends its start-up, measured in a fresh interpreter.
    probe = ("import time; t0 = time.perf_counter(); from expert.advisor import Advisor; "
             "t1 = time.perf_counter(); from expert.knowledge import load_knowledge; k = load_knowledge(); "
             "t2 = time.perf_counter(); Advisor(knowledge=k); t3 = time.perf_counter(); "
             "print(t1 - t0, t2 - t1, t3 - t2)")
    parts = [list(map(float, subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                            cwd=ROOT, check=True).stdout.split())) for _ in range(5)]
    result["imports"], result["knowledge"], result["compile"] = (statistics.median(p[i] for p in parts)
                                                                 for i in range(3))
    return result


# -- 2. reasoning latency per answer during an interview --------------------------------

def percentile(values: list, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def interview_latency(advisor: Advisor, cases: int, explained_cases: int) -> dict:
    """Answers added one at a time, in the rule base's order; the engine re-run after each,
    its cache emptied first, so every run reasons from scratch."""
    rng = random.Random(2)
    engine = advisor.engine
    reason_times, assess_times = [], []
    for number in range(cases):
        answers = random_answers(advisor.knowledge, rng, known=0.9)
        partial = {}
        for factor, value in answers.items():
            partial[factor] = value
            engine._cache.clear()
            start = time.perf_counter()
            engine.reason(partial)
            reason_times.append(time.perf_counter() - start)
            if number < explained_cases:
                case = advisor.case({"answers": dict(partial)})
                engine._cache.clear()
                start = time.perf_counter()
                advisor.assess(case, explained=True)
                assess_times.append(time.perf_counter() - start)
    return {
        "answers": len(reason_times), "p50": percentile(reason_times, 0.5), "p99": percentile(reason_times, 0.99),
        "max": max(reason_times), "explained_answers": len(assess_times),
        "explained_p50": percentile(assess_times, 0.5), "explained_p99": percentile(assess_times, 0.99),
    }


# -- 3. portfolio throughput -------------------------------------------------------------

class TreeMemory(threading.Thread):
    """Samples the memory of a process and all its descendants (Linux /proc) every `every`
    seconds: resident set (RSS) and proportional set (PSS, pages shared after fork counted
    once), summed over the tree, with the series kept to see when the peak came."""

    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.every, self.done = pid, every, threading.Event()
        self.peak_rss_sum = self.peak_pss_sum = self.peak_single = 0
        self.most_processes = 0
        self.samples: list = []   # (seconds since the start, RSS sum, PSS sum, processes)

    def run(self):
        start = time.perf_counter()
        while not self.done.is_set():
            sizes = [size for size in map(_memory, _tree(self.pid)) if size[0]]
            rss, pss = sum(r for r, _ in sizes), sum(p for _, p in sizes)
            self.samples.append((time.perf_counter() - start, rss, pss, len(sizes)))
            self.peak_rss_sum, self.peak_pss_sum = max(self.peak_rss_sum, rss), max(self.peak_pss_sum, pss)
            self.peak_single = max([self.peak_single] + [r for r, _ in sizes])
            self.most_processes = max(self.most_processes, len(sizes))
            self.done.wait(self.every)


def _tree(root: int) -> list:
    """The process and its descendants, whichever of their threads started them."""
    pids, index = [root], 0
    while index < len(pids):
        try:
            tasks = os.listdir(f"/proc/{pids[index]}/task")
        except OSError:
            tasks = []
        for task in tasks:
            try:
                children = Path(f"/proc/{pids[index]}/task/{task}/children").read_text().split()
            except OSError:
                continue
            pids.extend(pid for pid in map(int, children) if pid not in pids)
        index += 1
    return pids


def _memory(pid: int) -> tuple:
    """(RSS, PSS) in bytes; (0, 0) for a process that has just ended."""
    sizes = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(("Rss:", "Pss:")):
                sizes[line.split(":")[0]] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return sizes.get("Rss", 0), sizes.get("Pss", 0)


def portfolio_command(path: Path, jobs: int | None) -> list:
    """`adieu portfolio FILE --format csv`, with `--jobs N` unless jobs is None (the default)."""
    command = adieu_command() + ["portfolio", str(path), "--format", "csv", "--quiet"]
    return command + (["--jobs", str(jobs)] if jobs is not None else [])


def run_portfolio(path: Path, jobs: int | None, output: Path, env: dict | None = None,
                  accepted: tuple = (0,)) -> dict:
    """One measured run, its output written to `output`; an exit status not `accepted` stops
    the benchmark. The command runs in a session of its own, so that however this ends (an
    error, Ctrl-C, SIGTERM turned into an exception) its whole process group is stopped
    before returning: no worker outlives the benchmark."""
    command = portfolio_command(path, jobs)
    # stderr goes to a file, not a pipe: a pipe nobody reads until the end would stop the
    # command once 64 KB of messages (a skipped row each) filled it.
    with open(output, "wb") as sink, tempfile.TemporaryFile() as messages:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=messages, cwd=ROOT, env=env,
                                   start_new_session=True)
        sampler = TreeMemory(process.pid)
        try:
            sampler.start()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if process.returncode is None:   # stopped while the command runs: end it and its workers
                _stop_group(process)
            sampler.done.set()
            sampler.join()
        messages.seek(0)
        errors = messages.read().decode(errors="replace").splitlines()
    if process.returncode not in accepted:
        raise SystemExit(f"adieu portfolio failed ({process.returncode}): " + "\n".join(errors[:20]))
    return {"status": process.returncode, "messages": errors,
            "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "maxrss": usage.ru_maxrss * 1024,
            "rss_sum": sampler.peak_rss_sum, "pss_sum": sampler.peak_pss_sum, "single_peak": sampler.peak_single,
            "samples": sampler.samples, "processes": sampler.most_processes}


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the command's process group, SIGKILL if it is still there after 10 s. Called
    only before the command is reaped, so that the group's id (the command's pid) is still ours."""
    import signal

    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            if process.returncode is None:
                process.poll()
            time.sleep(0.05)
        else:
            continue
        break
    if process.returncode is None:
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            pass


def throughput(knowledge, folder: Path, sizes: list, repetitive_size: int, repeat: int) -> list:
    rng = random.Random(3)
    inputs = []
    for size in sizes:
        path = folder / f"distinct-{size}.csv"
        write_csv(path, knowledge, (distinct_answers(knowledge, rng, i) for i in range(size)))
        inputs.append(("all-distinct", size, path, size))
    kinds = profiles(knowledge, random.Random(4))
    rows = [repetitive_answers(knowledge, rng, kinds) for _ in range(repetitive_size)]
    distinct = len({tuple(sorted(r.items())) for r in rows})
    path = folder / f"repetitive-{repetitive_size}.csv"
    write_csv(path, knowledge, rows)
    del rows
    inputs.append(("repetitive", repetitive_size, path, distinct))
    results = []
    for kind, size, path, distinct in inputs:
        outputs = {}
        for jobs in (1, 2):
            outputs[jobs] = folder / f"{path.stem}-jobs{jobs}.out"
            runs = []
            for _ in range(repeat if size <= 10_000 else 1):
                before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
                runs.append(run_portfolio(path, jobs, outputs[jobs]) | {"load": before})
            measured = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]  # the median run
            for peak in ("maxrss", "rss_sum", "pss_sum", "single_peak"):
                measured[peak] = max(r[peak] for r in runs)
            measured.update(kind=kind, size=size, distinct=distinct, jobs=jobs, runs=len(runs))
            results.append(measured)
        same = outputs[1].read_bytes() == outputs[2].read_bytes()
        for measured in results[-2:]:
            measured["identical"] = same
        for output in outputs.values():
            output.unlink()
        path.unlink()
    return results


# -- 4. the engine floor -----------------------------------------------------------------

_ruleset_numbers = itertools.count(1)  # durable-rules keeps ruleset names process-wide

def floor(advisor: Advisor, folder: Path, size: int, repeat: int) -> dict:
    """The full pipeline, the engine alone and bare durable-rules, on the same cases."""
    knowledge, policy = advisor.knowledge, advisor.policy
    rng = random.Random(6)
    cases = [distinct_answers(knowledge, rng, i) for i in range(size)]
    path = folder / "floor.csv"
    write_csv(path, knowledge, cases)
    cases = [advisor.case({"answers": answers}).answers for answers in cases]  # as the CSV reads them

    def pipeline():
        start = time.process_time()
        for _ in render(review_portfolio(path, knowledge, policy), "csv"):
            pass
        return time.process_time() - start

    def engine_only(traced: bool):
        engine = Advisor(knowledge=knowledge, policy=policy).engine
        engine.cache_size = 0  # as the pipeline runs it: every case distinct, nothing kept
        start = time.process_time()
        for answers in cases:
            engine.reason(answers, traced)
        elapsed = time.process_time() - start
        engine.close()
        return elapsed

    # The facts of each case: the case fact and the findings the rules derive from it.
    engine = Advisor(knowledge=knowledge, policy=policy).engine
    facts, firings = [], 0
    for number, answers in enumerate(cases, 1):
        reasoning = engine.reason(answers)
        firings += len(reasoning.firings)
        sid = str(number)
        batch = [{"t": CASE, "sid": sid, **dict(reasoning.answers)}]
        for firing in reasoning.findings():
            name = firing.conclusion["finding"]
            batch.append({"t": FINDING, "name": name, "severity": firing.conclusion["severity"],
                          "category": knowledge.findings[name].category, "n": firing.index, "sid": sid})
        facts.append(batch)
    definition = compile_rules(knowledge, policy)[0]
    calls = _recorded_calls(knowledge, policy, cases)
    plain = PlainRules(engine)
    same = sum(plain.verdict(answers) == engine.reason(answers, False).verdict for answers in cases)

    def plain_python():
        start = time.process_time()
        for answers in cases:
            plain.verdict(answers)
        return time.process_time() - start

    # The measures take turns, round after round, and each keeps its best round: the machine's
    # speed drifts over minutes (other tenants), and a ratio of two figures taken minutes apart
    # would measure the drift. Each is CPU time of this process, which other tenants disturb
    # less than the wall clock.
    measures = {
        "pipeline": lambda: (pipeline(), None),
        "engine": lambda: (engine_only(False), None),
        "traced": lambda: (engine_only(True), None),
        "host": lambda: _floor_host(definition, facts),
        "c": lambda: _floor_c(definition, facts),
        "chained": lambda: _floor_chained(knowledge, definition, facts),
        "replay": lambda: _floor_replay(definition, calls),
        "plain": lambda: (plain_python(), None),
    }
    best, activations = {name: float("inf") for name in measures}, {}
    for _ in range(repeat):
        for name, measure in measures.items():
            gc.collect()
            elapsed, activations[name] = measure()
            best[name] = min(best[name], elapsed)
    result = {name: elapsed / size for name, elapsed in best.items()}
    result.update({
        "size": size, "rounds": repeat, "measures": len(measures), "firings": firings / size, "host_activations": activations["host"] / size,
        "c_activations": activations["c"] / size, "chained_activations": activations["chained"] / size,
        "replay_activations": activations["replay"] / size,
        "replay_asserts": sum(1 + sum(map(len, steps)) for _, steps in calls) / size,
        "plain_same": same,
    })
    path.unlink()
    return result


def _recorded_calls(knowledge, policy, cases) -> list:
    """What the engine asks of durable-rules' C engine for each case, in order: the case fact's
    text, then per activation the texts its action asserted (its finding, the finding's group)."""
    engine = Advisor(knowledge=knowledge, policy=policy).engine
    engine.cache_size = 0
    assert_fact, start, complete, delete = engine._calls
    steps: list = []

    def recording_assert(text):
        steps[-1].append(text)
        return assert_fact(text)

    def recording_start(state):
        steps.append([])
        return start(state)

    def recording_complete(state):
        steps.append([])
        return complete(state)

    engine._calls = (recording_assert, recording_start, recording_complete, delete)
    recorded = []
    for answers in cases:
        steps = [[]]
        engine.reason(answers, False)
        recorded.append((steps[0][0], [tuple(texts) for texts in steps[1:-1]]))
    engine._calls = (assert_fact, start, complete, delete)
    engine.close()
    return recorded


def _floor_replay(definition: dict, calls: list):
    """durable-rules' C engine alone, making exactly the calls the engine made: the case, each
    activation taken and completed, each finding and group asserted when its activation was
    taken, the state deleted. No Python but the loop that replays them."""
    rules, handle = _bare_ruleset(definition, "floor_replay")
    assert_fact, start, complete, delete = (rules.assert_fact, rules.start_action_for_state,
                                            rules.complete_and_start_action, rules.delete_state)
    activations = 0
    began = time.process_time()
    for case, steps in calls:
        _, state = assert_fact(handle, case)
        taken = start(handle, state)
        for texts in steps:
            for text in texts:
                assert_fact(handle, text)
            activations += 1
            taken = complete(handle, state)
        if taken:
            raise SystemExit("the replay took an activation the engine did not")
        sid = case[case.index('"sid":"') + 7:]
        delete(handle, sid[:sid.index('"')])
    elapsed = time.process_time() - began
    rules.delete_ruleset(handle)
    return elapsed, activations


def _floor_host(definition: dict, facts: list):
    """durable-rules through its Python API (durable.engine.Host), actions that do nothing.
    One run: (seconds, activations)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from durable import engine as durable_engine

    counted = [0]

    def nothing(c):
        counted[0] += 1

    class Host(durable_engine.Host):
        def get_action(self, action_name):
            return nothing

    host = Host()
    name = f"floor_host{next(_ruleset_numbers)}"
    host.register_rulesets({name: copy.deepcopy(definition)})
    start = time.process_time()
    for batch in facts:
        host.assert_facts(name, batch)
        host.delete_state(name, batch[0]["sid"])
    elapsed = time.process_time() - start
    host._d_timer.cancel()
    host._t_timer.cancel()
    return elapsed, counted[0]


def _bare_ruleset(definition: dict, prefix: str):
    """The compiled rules in durable-rules' C engine, without the actions' names."""
    import durable_rules_engine as rules

    bare = copy.deepcopy(definition)
    for rule in bare.values():
        rule.pop("run", None)
    return rules, rules.create_ruleset(f"{prefix}{next(_ruleset_numbers)}", json.dumps(bare))


def _floor_c(definition: dict, facts: list):
    """durable-rules' C engine alone: assert the facts, take every activation, run nothing."""
    rules, handle = _bare_ruleset(definition, "floor_c")
    activations = 0
    start = time.process_time()
    for batch in facts:
        _, state = rules.assert_facts(handle, json.dumps(batch))
        if rules.start_action_for_state(handle, state):
            activations += 1
            while rules.complete_and_start_action(handle, state):
                activations += 1
        rules.delete_state(handle, batch[0]["sid"])
    elapsed = time.process_time() - start
    rules.delete_ruleset(handle)
    return elapsed, activations


def _floor_chained(knowledge, definition: dict, facts: list):
    """durable-rules' C engine deriving the findings itself: only the case is asserted, and
    each activation of a rule that concludes a finding asserts it (text written in advance);
    nothing else is recorded."""
    derived = {}
    for rule in knowledge.rules:
        name = rule.conclusion.get("finding")
        if name is not None:
            derived[rule.id] = json.dumps({"t": FINDING, "name": name, "severity": rule.conclusion.get("severity"),
                                           "category": knowledge.findings[name].category},
                                          separators=(",", ":"))[:-1] + ',"n":'
    rules, handle = _bare_ruleset(definition, "floor_chained")
    activations = 0
    start = time.process_time()
    for batch in facts:
        sid = batch[0]["sid"]
        _, state = rules.assert_fact(handle, json.dumps(batch[0]))
        started = rules.start_action_for_state(handle, state)
        activation, index = started[1] if started else None, 0
        while activation:
            finding = derived.get(activation[2:activation.find('"', 2)])
            if finding is not None:
                rules.assert_fact(handle, f'{finding}{index},"sid":"{sid}"}}')
            index += 1
            activation = rules.complete_and_start_action(handle, state)
        activations += index
        rules.delete_state(handle, sid)
    elapsed = time.process_time() - start
    rules.delete_ruleset(handle)
    return elapsed, activations


def engine_breakdown(advisor: Advisor, size: int) -> dict:
    """Engine.reason split by timers around its calls into durable-rules' C engine and the
    writing of the case fact; the rest is the engine's Python (consequences, records, verdict)."""
    rng = random.Random(7)
    cases = [advisor.case({"answers": distinct_answers(advisor.knowledge, rng, i)}).answers for i in range(size)]
    spent = dict.fromkeys(("assert_fact", "activations", "delete_state", "encode"), 0.0)
    clock = time.perf_counter

    def timed(function, bucket):
        def call(*args):
            start = clock()
            try:
                return function(*args)
            finally:
                spent[bucket] += clock() - start
        return call

    engine = Advisor(knowledge=advisor.knowledge, policy=advisor.policy).engine
    engine.cache_size = 0
    assert_fact, start, complete, delete = engine._calls
    engine._calls = (timed(assert_fact, "assert_fact"), timed(start, "activations"),
                     timed(complete, "activations"), timed(delete, "delete_state"))
    engine._case_fact = timed(engine._case_fact, "encode")
    began = clock()
    for answers in cases:
        engine.reason(answers, False)
    total = clock() - began
    engine._calls = (assert_fact, start, complete, delete)
    engine.close()
    spent["python"] = total - sum(spent.values())
    return {bucket: value / size for bucket, value in spent.items()} | {"total": total / size}


def engine_profile(advisor: Advisor, size: int) -> list:
    """Where Engine.reason spends its time: the functions with the most own time."""
    rng = random.Random(8)
    cases = [distinct_answers(advisor.knowledge, rng, i) for i in range(size)]
    cases = [advisor.case({"answers": answers}).answers for answers in cases]
    engine = Advisor(knowledge=advisor.knowledge, policy=advisor.policy).engine
    engine.cache_size = 0
    gc.collect()  # a full collection of the benchmark's own garbage would be charged to the engine
    profiler = cProfile.Profile()
    profiler.enable()
    for answers in cases:
        engine.reason(answers, False)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(row[2] for row in stats.values())
    rows = sorted(((row[2], row[1], _where(key)) for key, row in stats.items()), reverse=True)
    return [(where, calls / size, own / total) for own, calls, where in rows[:10]]


def _where(key) -> str:
    file, line, function = key
    if file == "~":
        return function.strip("<>").replace("built-in method ", "")
    path = Path(file)
    parent = path.parent.name
    return f"{parent}/{path.name}:{function}" if parent in ("expert", "durable", "json") else f"{path.name}:{function}"


# -- RESULTS.md ----------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(info, start_load, end_load, cold, latency, runs, bottom, breakdown, profile, quick) -> str:
    ms = 1000
    lines = [
        "# Benchmarks",
        "",
        "Written by `python benchmarks/run.py`" + (" --quick (small sizes: not the reference figures)" if quick else "")
        + f" on {info['date']}. Figures are medians of repeated runs unless said otherwise; "
        "other work on the machine slows them down (load average below).",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}, {info['nproc']} logical CPUs ({info['usable_cpus']} usable by this process)",
        f"- Memory: {info['memory']}",
        f"- {info['python']}, durable-rules {info['durable_rules']}, {info['system']}",
        f"- Load average (1 / 5 / 15 min) before the run: {start_load}; after: {end_load}",
        "",
        "## Targets",
        "",
        "| what | measured | target | |",
        "|---|---|---|---|",
        f"| `adieu --help` cold start | {cold['help'] * ms:.0f} ms | under {TARGETS['help_ms']} ms | "
        f"{verdict(cold['help'] * ms < TARGETS['help_ms'])} |",
        f"| `adieu --help` against `python -c pass` | {cold['help'] / cold['pass']:.1f}x | within "
        f"{TARGETS['help_ratio']}x | {verdict(cold['help'] / cold['pass'] <= TARGETS['help_ratio'])} |",
        f"| reasoning per answer, p99 | {latency['p99'] * ms:.2f} ms | under {TARGETS['answer_p99_ms']} ms | "
        f"{verdict(latency['p99'] * ms < TARGETS['answer_p99_ms'])} |",
    ]
    one = [r for r in runs if r["kind"] == "all-distinct" and r["jobs"] == 1]
    for run in one:
        rate = run["size"] / run["wall"]
        lines.append(f"| all-distinct cases per second, one process ({run['size']:,} cases) | {rate:,.0f} | "
                     f"at least {TARGETS['per_process']:,} | {verdict(rate >= TARGETS['per_process'])} |")
    for name, value in (("floor 1, durable-rules' Python API", bottom["host"]),
                        ("floor 2, durable-rules' C engine, derived facts given", bottom["c"]),
                        ("floor 3, durable-rules' C engine deriving the findings", bottom["chained"])):
        ratio = bottom["pipeline"] / value
        lines.append(f"| full pipeline against the engine floor ({name}) | {ratio:.2f}x | within "
                     f"{TARGETS['floor_ratio']}x | {verdict(ratio <= TARGETS['floor_ratio'])} |")
    rate = 1 / bottom["pipeline"]
    lines.append(f"| distinct cases per second, one process, the {bottom['size']:,}-row book with its validation "
                 f"(section 4: in this process, start-up left out) | {rate:,.0f} | at least "
                 f"{TARGETS['distinct_per_second']:,} | {verdict(rate >= TARGETS['distinct_per_second'])} |")
    ratio = bottom["pipeline"] / bottom["replay"]
    lines.append(f"| full pipeline against durable-rules' C engine alone, making the engine's own calls "
                 f"(floor 4) | {ratio:.2f}x | within {TARGETS['replay_ratio']}x | "
                 f"{verdict(ratio <= TARGETS['replay_ratio'])} |")
    big = [r for r in runs if r["kind"] == "all-distinct" and r["jobs"] == 2 and r["size"] >= 100_000]
    for run in big:
        lines.append(f"| {run['size']:,} clients with `--jobs 2` | {run['wall']:.1f} s | under "
                     f"{TARGETS['hundred_k_s']} s | {verdict(run['wall'] < TARGETS['hundred_k_s'])} |")
    for run in (r for r in runs if r["size"] >= 100_000):
        for label, value in (("all processes together (PSS)", run["pss_sum"]),
                             ("largest process (RSS)", run["single_peak"])):
            mb = value / 2**20
            lines.append(f"| peak memory at {run['size']:,} {run['kind']} cases, `--jobs {run['jobs']}`, {label} "
                         f"| {mb:.0f} MB | under {TARGETS['rss_mb']} MB | {verdict(mb < TARGETS['rss_mb'])} |")
    lines += [
        "",
        "## 1. Cold start (wall time, median)",
        "",
        "| command | time |",
        "|---|---|",
        f"| `python -c pass` | {cold['pass'] * ms:.0f} ms |",
        f"| `{cold['command']} --help` | {cold['help'] * ms:.0f} ms |",
        f"| `{cold['command']} assess examples/late-payer.yaml` | {cold['assess'] * ms:.0f} ms |",
        "",
        f"Inside `assess`: importing the package and durable-rules {cold['imports'] * ms:.0f} ms, reading and "
        f"checking the rule base {cold['knowledge'] * ms:.0f} ms, compiling it into durable-rules "
        f"{cold['compile'] * ms:.0f} ms; the rest is the interpreter, the case file and the output.",
        "",
        "## 2. Reasoning latency per answer during an interview",
        "",
        f"{latency['answers']:,} runs: generated cases whose answers are added one at a time, the engine re-run "
        "after each answer with its cache emptied (every run reasons from scratch).",
        "",
        "| | p50 | p99 | max |",
        "|---|---|---|---|",
        f"| `Engine.reason` | {latency['p50'] * ms:.2f} ms | {latency['p99'] * ms:.2f} ms | {latency['max'] * ms:.2f} ms |",
        f"| `Advisor.assess(explained=True)` (adds what would change the verdict: one run per other answer; "
        f"{latency['explained_answers']:,} runs) | {latency['explained_p50'] * ms:.1f} ms | "
        f"{latency['explained_p99'] * ms:.1f} ms | |",
        "",
        "## 3. Portfolio throughput",
        "",
        "`adieu portfolio FILE.csv --format csv --jobs N > out.csv` on generated CRM-like exports (French rows "
        "with decimal commas and oui/non). Cases per second count the whole command, start-up included; "
        "inputs of 10,000 rows or fewer are run three times (the median run is shown, with the highest "
        "memory of the three), larger ones once. The load average (1 min) before each run shows how much "
        "other work shared the machine: on two cores, 1.0 means one core was busy elsewhere. "
        "Peak memory: the largest single process (`ru_maxrss` of the process tree), and all processes "
        "together, sampled every 50 ms from /proc: PSS (the pages the workers share with the parent after "
        "fork counted once) and the plain sum of RSS (shared pages counted in every process).",
        "",
        "| input | distinct answer sets | jobs | load before | wall | cases/s | per process | CPU time "
        "| peak RSS, largest process | peak PSS, all processes | peak RSS sum, all processes "
        "| `--jobs 2` output identical to `--jobs 1` |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        rate = run["size"] / run["wall"]
        lines.append(
            f"| {run['size']:,} {run['kind']} | {run['distinct']:,} | {run['jobs']} | {run['load']:.2f} | "
            f"{run['wall']:.1f} s | "
            f"{rate:,.0f} | {rate / run['jobs']:,.0f} | {run['cpu']:.1f} s | {run['maxrss'] / 2**20:.0f} MB | "
            f"{run['pss_sum'] / 2**20:.0f} MB | {run['rss_sum'] / 2**20:.0f} MB | "
            f"{'yes' if run['identical'] else '**no**'} |")
    lines += [
        "",
        "## 4. The engine floor",
        "",
        f"{bottom['size']:,} all-distinct cases, in this process, per case: the best of {bottom['rounds']} "
        f"rounds in which the {bottom['measures']} measures take turns (the machine's speed drifts over minutes):",
        "",
        "| | time per case | against the pipeline | rule activations per case |",
        "|---|---|---|---|",
        f"| full pipeline: CSV row, validation, reasoning, summary, ranking, CSV view "
        f"(`review_portfolio` + `render`) | {bottom['pipeline'] * 1e6:.0f} µs | 1.00x | {bottom['firings']:.1f} |",
        f"| the engine alone, as the pipeline runs it (`Engine.reason(traced=False)`, cache missed) | "
        f"{bottom['engine'] * 1e6:.0f} µs | {bottom['engine'] / bottom['pipeline']:.2f}x | {bottom['firings']:.1f} |",
        f"| the engine alone with the full trace, as `assess` and the interview run it (`Engine.reason`) | "
        f"{bottom['traced'] * 1e6:.0f} µs | {bottom['traced'] / bottom['pipeline']:.2f}x | {bottom['firings']:.1f} |",
        f"| floor 1: bare durable-rules through its Python API (`durable.engine.Host`), the same compiled rules, "
        f"the case and its derived findings asserted in one batch, actions that do nothing | "
        f"{bottom['host'] * 1e6:.0f} µs | {bottom['host'] / bottom['pipeline']:.2f}x | "
        f"{bottom['host_activations']:.1f} |",
        f"| floor 2: durable-rules' C engine alone (`durable_rules_engine`), the same facts and rules, "
        f"activations taken and no action run | {bottom['c'] * 1e6:.0f} µs | "
        f"{bottom['c'] / bottom['pipeline']:.2f}x | {bottom['c_activations']:.1f} |",
        f"| floor 3: the C engine deriving the findings: only the case asserted, and each activation of a "
        f"finding rule asserting its finding, written in advance; nothing recorded | "
        f"{bottom['chained'] * 1e6:.0f} µs | {bottom['chained'] / bottom['pipeline']:.2f}x | "
        f"{bottom['chained_activations']:.1f} |",
        f"| floor 4: the C engine alone making exactly the engine's calls, recorded in advance (the case, "
        f"{bottom['replay_asserts']:.1f} assertions in all, each activation taken and completed, the state "
        f"deleted), built as the README builds it | {bottom['replay'] * 1e6:.0f} µs | "
        f"{bottom['replay'] / bottom['pipeline']:.2f}x | {bottom['replay_activations']:.1f} |",
        f"| the practical limit, reported, not a target: the same compiled rules evaluated in plain Python "
        f"(benchmarks/plain_python.py: forward chaining to a fixpoint, verdict only; the same verdict as "
        f"the engine on {bottom['plain_same']:,} of {bottom['size']:,} cases) | {bottom['plain'] * 1e6:.0f} µs | "
        f"{bottom['plain'] / bottom['pipeline']:.2f}x | |",
        "",
        f"Floor 4 is the figure the pipeline is held to (issue 14): the pipeline is "
        f"{bottom['pipeline'] / bottom['replay']:.2f}x it, the engine alone "
        f"{bottom['engine'] / bottom['replay']:.2f}x; all of Adieu's Python (the row, its validation, the "
        f"glue of each activation, the verdict, the summary, the ranking and the CSV view) takes "
        f"{(bottom['pipeline'] - bottom['replay']) * 1e6:.0f} µs per case, against "
        f"{bottom['replay'] * 0.5 * 1e6:.0f} µs within 1.5x. Times in this section are CPU time of this process.",
        "",
        f"Ratio of the full pipeline to floor 1: {bottom['pipeline'] / bottom['host']:.2f}x; to floor 2: "
        f"{bottom['pipeline'] / bottom['c']:.2f}x; to floor 3: {bottom['pipeline'] / bottom['chained']:.2f}x. "
        f"The engine alone: {bottom['engine'] / bottom['host']:.2f}x, {bottom['engine'] / bottom['c']:.2f}x and "
        f"{bottom['engine'] / bottom['chained']:.2f}x.",
        "",
        "Floor 1 is durable-rules as its Python API runs it: the glue of durable/engine.py (a Closure, two "
        "clock reads, a state update and a JSON round trip per activation) makes it "
        f"{bottom['host'] / bottom['pipeline']:.2f}x the whole pipeline. Adieu does not use that layer: it creates "
        "its ruleset in the C extension and takes the activations itself, each firing's consequence read "
        "from a table (expert/durable_adapter.py, expert/engine.py). Floors 2 and 3 are the C engine alone, written before `finding: any` joined a "
        "group (issue 14, item 7): they assert no group fact, so the rules that join one do not fire there "
        "(fewer activations than the engine's); floor 4 is the exact one. Floor 3 derives the findings one "
        "activation at a time, as the engine does, and costs "
        f"{(bottom['chained'] - bottom['c']) * 1e6:+.0f} µs against being handed them"
        + (": deriving is not where the time goes. " if bottom['chained'] - bottom['c'] < 0.15 * bottom['c']
           else ". ") + f"The gap to floor 3, {(bottom['engine'] - bottom['chained']) * 1e6:.0f} µs per case in "
        f"the engine (about {(bottom['engine'] - bottom['chained']) / bottom['firings'] * 1e6:.1f} µs per "
        "activation), is the engine's Python for each activation: recording the firing for the trace (which "
        "rule, what it concluded), asserting its finding, then the verdict and the cache; reading which "
        "findings each firing joined, for the how-chain, adds "
        f"{(bottom['traced'] - bottom['engine']) * 1e6:.0f} µs when the trace is wanted. The pipeline adds "
        f"{(bottom['pipeline'] - bottom['engine']) * 1e6:.0f} µs per row to read the CSV row, validate it as a "
        "case, summarise and rank it. Within 1.5x of floor 3, all of Adieu's Python (the row and the "
        f"firings together) would have {bottom['chained'] * 0.5 * 1e6:.0f} µs per case; it takes "
        f"{(bottom['pipeline'] - bottom['chained']) * 1e6:.0f} µs. The firings cannot go unrecorded: the "
        "verdict is decided from them (the highest priority wins), and the reasons, the memo and the letters "
        "cite them.",
        "",
        "### Where `Engine.reason` spends its time",
        "",
        f"Timers around the engine's calls, {breakdown['total'] * 1e6:.0f} µs per case in all (the timers "
        "themselves add a little to the last line):",
        "",
        "| part | per case | share |",
        "|---|---|---|",
    ]
    parts = (("durable-rules C engine: `assert_fact` (the case, then each finding; matching happens here)",
              "assert_fact"),
             ("durable-rules C engine: taking each activation (`start_action_for_state`, "
              "`complete_and_start_action`)", "activations"),
             ("durable-rules C engine: `delete_state` after the case", "delete_state"),
             ("JSON encoding of the case fact", "encode"),
             ("the engine's Python: per activation, its consequence (trace, finding fact), the verdict, the cache",
              "python"))
    lines += [f"| {label} | {breakdown[key] * 1e6:.0f} µs | {breakdown[key] / breakdown['total']:.0%} |"
              for label, key in parts]
    lines += [
        "",
        "cProfile, own time of the busiest functions:",
        "",
        "| function | calls per case | share of the time |",
        "|---|---|---|",
    ]
    lines += [f"| `{where}` | {calls:.1f} | {share:.0%} |" for where, calls, share in profile]
    lines.append("")
    return "\n".join(lines)


KEPT = "\n## Measured apart"


def kept_sections(path: Path) -> str:
    """What the last results file measured apart from this script (builds compared, memory at a
    million rows): kept as it was, since this run does not measure it again."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    return old[old.index(KEPT):] if KEPT in old else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the script")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")), help="results file")
    args = parser.parse_args()
    quick = args.quick
    start_load = load()
    info = machine()
    advisor = Advisor()
    print("1/4 cold start", file=sys.stderr)
    cold = cold_start(5 if quick else 21)
    print("2/4 reasoning latency per answer", file=sys.stderr)
    latency = interview_latency(advisor, 30 if quick else 400, 5 if quick else 40)
    folder = Path(tempfile.mkdtemp(prefix="adieu-bench-"))
    try:
        print("3/4 portfolio throughput", file=sys.stderr)
        runs = throughput(advisor.knowledge, folder, [1000, 5000] if quick else [10_000, 100_000],
                          5000 if quick else 100_000, 3)
        print("4/4 engine floor", file=sys.stderr)
        bottom = floor(advisor, folder, 1000 if quick else 10_000, 2 if quick else 5)
        breakdown = engine_breakdown(advisor, 500 if quick else 3000)
        profile = engine_profile(advisor, 500 if quick else 3000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    text = report(info, start_load, load(), cold, latency, runs, bottom, breakdown, profile, quick)
    Path(args.out).write_text(text + kept_sections(Path(args.out)), encoding="utf-8")
    print(f"written: {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
