"""Fuzzing support shared by every area: Hypothesis profiles, hostile value generators, and the
pytest plugin behind `make fuzz`.

Profiles, chosen with HYPOTHESIS_PROFILE (tests/conftest.py loads it):

    ci    (default) a bounded, derandomized slice: the same examples on every run, so a failure
          in CI fails again on a laptop with the same command
    fuzz  many examples from a fresh random seed each time; `make fuzz` uses it

Under `fuzz`, each Hypothesis test marked `fuzz` is run again and again, each time from a new
seed, until its share of FUZZ_SECONDS (default 600) is used, and the session ends with a summary
of what was tried: tests (operations), examples, and the distinct failures. In the normal suite
the same tests run as the `ci` slice.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, is_hypothesis_test, settings
from hypothesis import strategies as st
from hypothesis.statistics import collector

CI_EXAMPLES = 60
FUZZ_EXAMPLES = 50  # at most per run; a test is run again from new seeds until its time is up
FIRST_RUN_EXAMPLES = 5  # measures a test's pace, so later runs fit its share of the budget
DEFAULT_FUZZ_SECONDS = 600


def register_profiles() -> None:
    common = {"deadline": None, "print_blob": True}
    settings.register_profile(
        "ci",
        max_examples=CI_EXAMPLES,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        **common,
    )
    settings.register_profile(
        "fuzz",
        max_examples=FUZZ_EXAMPLES,
        suppress_health_check=[HealthCheck.too_slow],
        **common,
    )
    settings.load_profile(profile_name())


def profile_name() -> str:
    return os.environ.get("HYPOTHESIS_PROFILE", "ci")


def fuzzing() -> bool:
    return profile_name() == "fuzz"


def examples(ci: int) -> int:
    """A test's own bound: `ci` examples in the normal suite, the profile's number under fuzz."""
    return settings.default.max_examples if fuzzing() else ci


# --- Hostile values ----------------------------------------------------------------------------

NUMBER_SPELLINGS = [
    "NaN", "nan", "-NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "inf", "+Inf", "-inf",
    "1e400", "1E+30", "-1e400", "1e999999999", "1e-999999999", "0e-400", "-0", "+0", "0.000",
    "1_000", "0x1F", "1,5", " 12.50 ", "12.50\n", "١٢٣", "\uff11\uff12", "²", "½", "Ⅻ", "",
    str(2**63), str(-(2**63) - 1), "9" * 400, "0." + "0" * 400 + "1",
]  # fmt: skip


def number_strings() -> st.SearchStrategy[str]:
    """Strings that look like numbers: signs, long digit runs, huge and tiny exponents."""
    return st.one_of(
        st.sampled_from(NUMBER_SPELLINGS),
        st.from_regex(r"[+-]?[0-9]{0,40}(\.[0-9]{0,40})?([eE][+-]?[0-9]{1,12})?", fullmatch=True),
    )


def date_strings() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates().map(str),
        st.from_regex(r"[+-]?[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}(T[0-9:]{0,8})?", fullmatch=True),
        st.sampled_from(["0000-00-00", "9999-12-31", "2026-02-29", "2024-02-29", "20240229"]),
    )


def any_text() -> st.SearchStrategy[str]:
    """Text from every Unicode category, lone surrogates included."""
    return st.one_of(
        st.text(st.characters(exclude_categories=()), max_size=60),
        st.sampled_from(["\x00", "a\x00b", "\ud800", "\ufffe", " \t\n", "\u202e", "e\u0301"]),
    )


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([2**63, -(2**63) - 1, 2**64, 10**400, 0, -1]),
        st.floats(),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.sampled_from([Decimal("1E+400"), Decimal("1E-400"), Decimal("-0"), Decimal("sNaN")]),
        any_text(),
        number_strings(),
        date_strings(),
        st.dates(),
        st.datetimes(),
        st.binary(max_size=20),
    )


def json_values(base: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """Any value a JSON body (or a typed SOAP argument) can hand a cleaner, nested or not."""
    return st.recursive(
        base if base is not None else scalars(),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(any_text(), children, max_size=4),
        ),
        max_leaves=8,
    )


# --- The `make fuzz` plugin --------------------------------------------------------------------


@dataclass
class Tally:
    """What the session tried, from Hypothesis' own statistics of every run."""

    runs: Counter = field(default_factory=Counter)
    examples: Counter = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    seeds: dict[str, int] = field(default_factory=dict)  # the random seed of each failing run

    def note(self, nodeid: str, statistics: dict[str, Any]) -> None:
        self.runs[nodeid] += 1
        for phase in ("explicit", "reuse", "generate", "shrink"):
            cases = statistics.get(f"{phase}-phase", {}).get("test-cases", [])
            self.examples[nodeid] += sum(1 for case in cases if case["status"] != "overrun")


class FuzzPlugin:
    """Shares the budget among the budgeted tests still to run, so one test's overrun (a run is
    never cut short) is taken from the others and the session ends close to FUZZ_SECONDS."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.left = 0
        self.tally = Tally()

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.left = sum(1 for item in items if _budgeted(item))
        self.deadline = time.monotonic() + self.seconds

    @pytest.hookimpl(wrapper=True, trylast=True)  # inside Hypothesis' own, so every run is tallied
    def pytest_runtest_call(self, item: pytest.Item):
        if not _budgeted(item):
            return (yield)
        share = max(0.0, self.deadline - time.monotonic()) / max(1, self.left)
        self.left -= 1
        until = time.monotonic() + share
        count = FIRST_RUN_EXAMPLES
        with collector.with_value(lambda stats: self.tally.note(item.nodeid, stats)):
            while (now := time.monotonic()) < until:
                _limit_examples(item, count)  # parametrized items share one function
                self._run(item)
                per_example = (time.monotonic() - now) / count
                count = max(1, min(FUZZ_EXAMPLES, int((until - time.monotonic()) / per_example)))
            _limit_examples(item, 1)  # the run pytest makes anyway, once the share is used
            return (yield)

    def _run(self, item: pytest.Item) -> None:
        try:
            item.runtest()
        except BaseException:
            seed = getattr(_function(item), "_hypothesis_internal_use_generated_seed", None)
            if seed is not None:
                self.tally.seeds[item.nodeid] = seed
            raise

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            crash = getattr(report.longrepr, "reprcrash", None)
            reason = crash.message if crash else report.longreprtext.strip().splitlines()[-1]
            self.tally.failures[report.nodeid] = reason.splitlines()[0]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        write = terminalreporter.write_line
        tally = self.tally
        write("")
        write(f"fuzz: {self.seconds:.0f} s budget, profile {profile_name()!r}")
        for nodeid in sorted(tally.examples):
            write(
                f"  {tally.examples[nodeid]:>8} examples in {tally.runs[nodeid]:>4} runs  {nodeid}"
            )
        areas: dict[str, Counter] = {}
        for nodeid, count in tally.examples.items():
            area = areas.setdefault(nodeid.split("::")[0], Counter())
            area.update(tests=1, examples=count)
        for area, counts in sorted(areas.items()):
            write(f"  {area}: {counts['tests']} tests (operations), {counts['examples']} examples")
        write(
            f"fuzz: {len(tally.examples)} tests, {sum(tally.examples.values())} examples, "
            f"{len(tally.failures)} distinct failures"
        )
        for nodeid, reason in sorted(tally.failures.items()):
            write(f"  FAILED {nodeid}: {reason}")
            if nodeid in tally.seeds:
                write(
                    f"    reproduce: HYPOTHESIS_PROFILE=fuzz .venv/bin/pytest '{nodeid}' "
                    f"--hypothesis-seed={tally.seeds[nodeid]}  (or the @reproduce_failure above)"
                )


def _function(item: pytest.Item) -> Any:
    return getattr(item.obj, "__func__", item.obj)


def _limit_examples(item: pytest.Item, count: int) -> None:
    test = _function(item)
    current = getattr(test, "_hypothesis_internal_use_settings", settings.default)
    test._hypothesis_internal_use_settings = settings(current, max_examples=count)


def _budgeted(item: pytest.Item) -> bool:
    obj = getattr(item, "obj", None)
    return (
        item.get_closest_marker("fuzz") is not None and obj is not None and is_hypothesis_test(obj)
    )


def configure(config: pytest.Config) -> None:
    """Register the marker, and the budget plugin under the fuzz profile."""
    config.addinivalue_line("markers", "fuzz: generated hostile input (bounded unless fuzzing)")
    if fuzzing() and not config.getoption("hypothesis_seed", None):  # a seed replays one run
        seconds = float(os.environ.get("FUZZ_SECONDS", DEFAULT_FUZZ_SECONDS))
        config.pluginmanager.register(FuzzPlugin(seconds), "catalog-fuzz")
