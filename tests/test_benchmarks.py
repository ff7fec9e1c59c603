"""The benchmark's reference points measure what they say: the plain-Python evaluation gives
the engine's verdicts, and floor 4 replays exactly the engine's calls to durable-rules."""

from __future__ import annotations

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
