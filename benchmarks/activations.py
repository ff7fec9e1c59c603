"""Before/after of grouped `finding: any` joins (issue 14, item 7), side by side in one run:
activations per case, and microseconds per case with and without the trace.

    .venv/bin/python benchmarks/activations.py
"""
import random, time, statistics
from expert.advisor import Advisor
from expert.engine import Engine
from expert import explain
from expert.checker import Conditions
a = Advisor(); k = a.knowledge
engines = {"per finding (before)": Engine(k, a.policy, group_any=False), "per case (after)": Engine(k, a.policy)}
for e in engines.values():
    e.cache_size = 0
rng = random.Random(7)
c = Conditions(k)
cases = [{f: v for f in c.domains if (v := rng.choice(c.domains[f])) is not None} for _ in range(5000)]
before, after = engines.values()
same_how = 0
for ans in cases[:1000]:
    x, y = before.reason(ans), after.reason(ans)
    assert {l.strip() for l in explain.how(k, x, "en")} == {l.strip() for l in explain.how(k, y, "en")}
    for attr in k.outcomes:
        assert set(explain.conditions(k, x, attr)) == set(explain.conditions(k, y, attr))
    assert explain.found(k, x) == explain.found(k, y)
    same_how += 1
print(f"the same lines of the how-chain (a rule once, not once per finding), conditions and findings on {same_how} cases")
stats = {name: [] for name in engines}
for name, e in engines.items():
    firings = [len(e.reason(ans).firings) for ans in cases]
    rules = [len({f.rule for f in e.reason(ans).firings}) for ans in cases]
    print(f"{name}: {statistics.mean(firings):.1f} activations per case, {statistics.mean(rules):.1f} distinct rules")
for round_ in range(5):
    for name, e in engines.items():
        for traced in (True, False):
            t = time.perf_counter()
            for ans in cases:
                e.reason(ans, traced)
            stats[name].append((traced, (time.perf_counter() - t) / len(cases) * 1e6))
for name in engines:
    for traced in (True, False):
        values = sorted(v for t, v in stats[name] if t == traced)
        print(f"{name}, traced={traced}: median {statistics.median(values):.0f} us/case (5 rounds, 5000 cases)")
