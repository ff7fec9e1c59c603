"""Measure the peak memory of `adieu portfolio` on a client book of a million rows (issue 13),
all its processes together, and write the figures into benchmarks/RESULTS.md.

    python benchmarks/memory.py                   # 100,000 and 1,000,000 rows: about ten minutes
    python benchmarks/memory.py --sizes 2000      # any sizes, e.g. to check the script itself
    python benchmarks/memory.py --out FILE        # write the results elsewhere

Each book is generated in a temporary folder (the answers all distinct, the provider's details
repeated on every row, as run.py writes them) and reviewed by the real command, once without
`--jobs` and once with `--jobs 2`, its CSV written to a file of that folder. The memory of the
command and of every process it starts is sampled every 50 ms from /proc (run.TreeMemory). The
folder and every process started here are removed however the script ends, Ctrl-C and SIGTERM
included. Nothing here asserts a figure: these are measurements, not tests.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (the generated books, the process-tree sampler, the machine)
from expert.files import write_atomic  # noqa: E402
from expert.knowledge import load_knowledge  # noqa: E402

SIZES = (100_000, 1_000_000)
JOBS = (None, 2)           # without --jobs (one process), then --jobs 2
TARGET_MB = 150            # issue 13: all processes together, at 1,000,000 rows
HEADING = "### Issue 13: peak memory of `adieu portfolio`"
MB = 2**20


class Interrupted(Exception):
    """SIGTERM or SIGHUP, raised where the script is so that its clean-up runs."""


def _interrupted(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def write_book(path: Path, knowledge, size: int) -> int:
    rng = random.Random(13)
    return run.write_csv(path, knowledge, (run.distinct_answers(knowledge, rng, i) for i in range(size)))


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def differing_lines(first: Path, second: Path) -> tuple:
    """(clients of `first` not in `second`, clients of `second` not in `first`), up to three of
    each shown: compared as sets of lines without their first column (the rank, which a client
    missing further up shifts), and the book's folder left out of the lines shown."""
    def lines(path):
        with open(path, "rb") as handle:
            rows = (line.split(b",", 1)[-1] for line in handle)
            return {hash(row): row.replace(str(path.parent).encode() + b"/", b"") for row in rows}
    a, b = lines(first), lines(second)
    only_a, only_b = [a[h] for h in a.keys() - b.keys()], [b[h] for h in b.keys() - a.keys()]
    return len(only_a), only_a[:3], len(only_b), only_b[:3]


def measure(sizes, folder: Path, log=lambda message: None) -> list:
    """One result per size and jobs, in that order; the books and outputs are deleted as soon as
    they are measured. The command's own temporary files (the ranking's runs) go to `folder`."""
    knowledge = load_knowledge()
    env = dict(os.environ, TMPDIR=str(folder))
    results = []
    for size in sizes:
        book = folder / f"book-{size}.csv"
        log(f"writing a book of {size:,} rows")
        start = time.perf_counter()
        write_book(book, knowledge, size)
        generated, book_bytes = time.perf_counter() - start, book.stat().st_size
        outputs = []
        for jobs in JOBS:
            log(f"{size:,} rows, {'--jobs ' + str(jobs) if jobs else 'no --jobs'}")
            output = folder / f"out-{size}-{jobs or 'default'}.csv"
            before = os.getloadavg()[0]
            # 1: rows skipped, 3: the engine failed on some rows; both are reported with the figures
            measured = run.run_portfolio(book, jobs, output, env=env, accepted=(0, 1, 3))
            measured.update(size=size, jobs=jobs, load_before=before, load_after=os.getloadavg()[0],
                            book_bytes=book_bytes, generated=generated, output_bytes=output.stat().st_size)
            outputs.append(output)
            results.append(measured)
        first, second = outputs
        same = digest(first) == digest(second)
        results[-1]["difference"] = None if same else differing_lines(first, second)
        for measured in results[-len(JOBS):]:
            measured["identical"] = same
        for output in outputs:
            output.unlink()
        book.unlink()
    return results


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= 10 * MB else f"{size / MB:.1f} MB"


def _at(samples: list, fraction: float) -> float:
    """PSS sum of the sample nearest `fraction` of the run."""
    if not samples:
        return 0
    end = samples[-1][0]
    return min(samples, key=lambda s: abs(s[0] - fraction * end))[2]


def report(results: list, info: dict, loads: tuple, sizes) -> str:
    command = " ".join(Path(part).name if i == 0 else part
                       for i, part in enumerate(run.portfolio_command(Path("BOOK.csv"), None)))
    lines = [
        f"{HEADING} at {max(sizes):,} rows ({info['date']})",
        "",
        "Written by `python benchmarks/memory.py`. Each book is generated in a temporary folder: one row "
        "per client, every answer set distinct (run.py's `distinct_answers`: about three answers in four "
        "known, French rows with decimal commas and oui/non, one row in three English), the client's name, "
        "contact and e-mail different on each row, the provider's name, signatory and e-mail the same on "
        "every row. The real command reviews it, its CSV written to a file:",
        "",
        f"    {command} > OUT.csv",
        f"    {command} --jobs 2 > OUT.csv",
        "",
        "Memory of the command and of every process it started (found through "
        "`/proc/PID/task/*/children`), sampled every 50 ms: **PSS** from `/proc/PID/smaps_rollup`, "
        "summed over the processes (a page the workers share with the parent after fork is counted "
        "once, split between them), the headline figure; the plain sum of RSS (shared pages counted in "
        "every process) and the largest single process, sampled alike, beside it. Wall time is the whole "
        "command, start-up included; rows per second are rows over wall time; CPU time is the command's "
        "and its workers' (`wait4`, the workers reaped by the command).",
        "",
        f"Machine: {info['cpu']}, {info['nproc']} logical CPUs, {info['memory']}, {info['python']}, "
        f"durable-rules {info['durable_rules']}. Load average (1 / 5 / 15 min) before: {loads[0]}; after: "
        f"{loads[1]}. Other work, other engineers' test suites among it, shared the two cores during the "
        "runs, so the times are "
        "those of a shared, noisy machine (the load before each run is in the table: on two cores, 1.0 "
        "means one core busy elsewhere); memory is not slowed down by the load, only the times are.",
        "",
        "| rows | book | jobs | load before | wall | rows/s | CPU time (all processes) | processes "
        "| **peak PSS, all processes** | PSS at 25 / 50 / 75 % of the run | peak RSS sum | largest process "
        "(RSS) | exit status | rows reported on stderr | output identical without and with `--jobs 2` |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        thirds = " / ".join(f"{_at(r['samples'], f) / MB:.0f}" for f in (0.25, 0.5, 0.75))
        lines.append(
            f"| {r['size']:,} | {_mb(r['book_bytes'])} | {r['jobs'] or 'none (1)'} | {r['load_before']:.2f} "
            f"| {r['wall']:.1f} s | {r['size'] / r['wall']:,.0f} | {r['cpu']:.1f} s | {r['processes']} "
            f"| **{r['pss_sum'] / MB:.0f} MB** | {thirds} MB | {r['rss_sum'] / MB:.0f} MB "
            f"| {r['single_peak'] / MB:.0f} MB | {r['status']} | {len(r['messages'])} "
            f"| {'yes' if r['identical'] else '**no**'} |")
    for r in results:
        if r["messages"]:
            lines += ["", f"Reported on stderr by the run of {r['size']:,} rows, "
                          f"{'--jobs ' + str(r['jobs']) if r['jobs'] else 'no --jobs'} (the book's path shortened):", ""]
            lines += [f"    {re.sub(r'^adieu: [^:]*/', 'adieu: ', m)}" for m in r["messages"][:5]]
            if len(r["messages"]) > 5:
                lines.append(f"    ... and {len(r['messages']) - 5:,} more")
    for r in results:
        if r.get("difference"):
            count_a, shown_a, count_b, shown_b = r["difference"]
            lines += ["", f"The outputs of {r['size']:,} rows differ: {count_a:,} line(s) only without `--jobs`, "
                          f"{count_b:,} only with `--jobs 2` (a line is one client, its rank left out):", ""]
            lines += [f"    without: {line.decode(errors='replace').rstrip()}" for line in shown_a]
            lines += [f"    --jobs 2: {line.decode(errors='replace').rstrip()}" for line in shown_b]
    largest = [r for r in results if r["size"] == max(sizes)]
    worst = max(largest, key=lambda r: r["pss_sum"])
    met = worst["pss_sum"] / MB < TARGET_MB
    lines += [
        "",
        f"Target of issue 13 (under {TARGET_MB} MB at 1,000,000 rows, all processes together): "
        + (f"the highest peak at {max(sizes):,} rows is {worst['pss_sum'] / MB:.0f} MB of PSS "
           f"({worst['rss_sum'] / MB:.0f} MB counting shared pages in every process), with "
           f"{'--jobs ' + str(worst['jobs']) if worst['jobs'] else 'no --jobs'}: "
           + ("**met**." if met else "**missed**.") if max(sizes) >= 1_000_000 else
           f"not measured by this run (largest book {max(sizes):,} rows)."),
        "Generating the books took " + ", ".join(f"{r['generated']:.0f} s ({r['size']:,} rows)"
                                                 for r in results[::len(JOBS)]) + ".",
        "",
    ]
    return "\n".join(lines)


def replace_section(old: str, section: str) -> str:
    """The results file with this script's section in place of its last one, or added at the end
    (under "Measured apart", which run.py keeps as it is)."""
    pattern = re.compile(rf"^{re.escape(HEADING)}.*?(?=^##|\Z)", re.S | re.M)
    if pattern.search(old):
        return pattern.sub(lambda _: section + "\n", old, count=1).rstrip("\n") + "\n"
    if run.KEPT.strip() not in old:
        old = old.rstrip("\n") + "\n" + run.KEPT + "\n"
    return old.rstrip("\n") + "\n\n" + section


def main(argv=None) -> list:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="rows per book")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")), help="results file")
    args = parser.parse_args(argv)
    previous = {sig: signal.signal(sig, _interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}
    folder = Path(tempfile.mkdtemp(prefix="adieu-memory-"))
    try:
        info, before = run.machine(), run.load()
        results = measure(args.sizes, folder, log=lambda message: print(message, file=sys.stderr))
        after = run.load()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    out = Path(args.out)
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    write_atomic(out, replace_section(old, report(results, info, (before, after), args.sizes)), force=True)
    print(f"written: {out}", file=sys.stderr)
    return results


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, Interrupted) as stop:
        print(f"stopped ({stop.__class__.__name__} {stop}); temporary folder and processes removed", file=sys.stderr)
        sys.exit(130 if isinstance(stop, KeyboardInterrupt) else 143)
