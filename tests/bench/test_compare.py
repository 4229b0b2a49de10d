"""``python -m bench --compare REV``: the order of the runs, the figures of both sides put together, the ratio
and its direction, the table, and which harness measures the baseline tree."""
from __future__ import annotations

import json
import sys

import pytest

from bench.common import Figure, load_figures, save
from bench.compare import schedule
from bench.comparison import Row, gather, rows, table
from bench.memory import at_rest_figures
from bench.sides import OWN_HARNESS, choose_harness, speaks_json
from chassis.config import REPO_ROOT


def test_the_side_that_goes_first_alternates_run_after_run_for_each_benchmark():
    assert schedule(["pipeline", "memory"], 3) == [
        ("pipeline", 0, "baseline"), ("pipeline", 0, "working"),
        ("pipeline", 1, "working"), ("pipeline", 1, "baseline"),
        ("pipeline", 2, "baseline"), ("pipeline", 2, "working"),
        ("memory", 0, "baseline"), ("memory", 0, "working"),
        ("memory", 1, "working"), ("memory", 1, "baseline"),
        ("memory", 2, "baseline"), ("memory", 2, "working"),
    ]


def rate(value: float, raw: float | None = None) -> Figure:
    figure = Figure("2 pipeline", "events/s", "ev/s", baseline_name="raw publish" if raw else "")
    figure.add(value, raw)
    return figure


def latency(value: float) -> Figure:
    return Figure("2 pipeline", "p99", "ms", [value], higher_is_better=False)


def test_runs_of_one_side_add_up_figure_by_figure_with_the_ratio_to_the_in_run_baseline_as_a_figure():
    side: dict = {}
    gather(side, [rate(1000, 500), latency(40)])
    gather(side, [rate(1200, 400), latency(30)])
    assert list(side) == [("2 pipeline", "events/s"), ("2 pipeline", "events/s / raw publish"), ("2 pipeline", "p99")]
    assert side[("2 pipeline", "events/s")].values == [1000, 1200]
    assert side[("2 pipeline", "events/s")].baselines == [500, 400]
    assert side[("2 pipeline", "events/s / raw publish")].values == [2.0, 3.0]
    assert side[("2 pipeline", "events/s / raw publish")].unit == "x"
    assert side[("2 pipeline", "p99")].values == [40, 30]


def test_a_figure_given_twice_in_one_run_against_two_baselines_counts_once():
    read = Figure("1 gateway", "read req/s", "req/s", [900], "bare app behind nginx", [1000])
    direct = Figure("1 gateway", "read req/s", "req/s", [900], "bare app direct", [1800])
    side: dict = {}
    gather(side, [read, direct])
    assert side[("1 gateway", "read req/s")].values == [900]
    assert side[("1 gateway", "read req/s / bare app behind nginx")].values == [0.9]
    assert side[("1 gateway", "read req/s / bare app direct")].values == [0.5]


def test_the_ratio_is_working_over_baseline_of_the_medians_with_the_range_of_the_runs_ratios():
    row = Row("2 pipeline", "events/s", "ev/s", True, baseline=[1000, 900, 1100], working=[1300, 1200, 1250])
    assert row.ratio == 1250 / 1000
    assert row.per_run == [1.3, 1200 / 900, 1250 / 1100]
    assert row.verdict == "better"


def test_the_verdict_follows_the_direction_that_is_better():
    assert Row("b", "rate", "/s", True, [100], [90]).verdict == "worse"
    assert Row("b", "rate", "/s", True, [100], [110]).verdict == "better"
    assert Row("b", "p99", "ms", False, [100], [90]).verdict == "better"
    assert Row("b", "p99", "ms", False, [100], [110]).verdict == "worse"
    assert Row("b", "p99", "ms", False, [100], [100]).verdict == "same"


def test_runs_whose_ratios_fall_on_both_sides_of_one_give_no_verdict_either_way():
    row = Row("b", "p99", "ms", False, baseline=[40, 50, 60], working=[35, 55, 50])
    assert row.ratio == 50 / 50
    assert row.verdict == "runs disagree"


def test_every_run_better_is_better_even_when_the_two_ranges_overlap():
    # The machine slowed down between runs, both sides alike: each run's pair still says which is faster.
    row = Row("b", "p99", "ms", False, baseline=[40, 80, 60], working=[36, 72, 54])
    assert min(row.baseline) < max(row.working)
    assert row.per_run == pytest.approx([0.9, 0.9, 0.9])
    assert row.verdict == "better"


def test_a_figure_only_one_side_has_gets_a_row_without_ratio():
    baseline, working = {}, {}
    gather(baseline, [latency(40), Figure("5 memory", "RSS at rest, notifier-relay", "MiB", [68.0])])
    gather(working, [Figure("5 memory", "RSS at rest, notifier-sender", "MiB", [60.0]), latency(30)])
    made = rows(baseline, working)
    assert [(row.figure, row.baseline, row.working) for row in made] == [
        ("RSS at rest, notifier-sender", [], [60.0]), ("p99", [40], [30]), ("RSS at rest, notifier-relay", [68.0], []),
    ]
    assert made[0].ratio is None and made[0].verdict == "-"
    assert made[1].ratio == 0.75 and made[1].verdict == "better"


def test_the_table_shows_both_sides_the_ratio_and_which_way_is_better():
    made = [Row("2 pipeline", "events/s", "ev/s", True, [1000, 900, 1100], [1300, 1200, 1250]),
            Row("2 pipeline", "p99", "ms", False, [40], [])]
    lines = table(made, "e3bdc8f").splitlines()
    assert lines[0] == ("| benchmark | figure | e3bdc8f median [min - max] | working tree median [min - max] "
                        "| working tree / e3bdc8f | better when | verdict |")
    assert lines[2] == ("| 2 pipeline | events/s | 1,000 [900 - 1,100] ev/s | 1,250 [1,200 - 1,300] ev/s "
                        "| 1.250x [1.136 - 1.333] | higher | better |")
    assert lines[3] == "| 2 pipeline | p99 | 40.0 [40.0 - 40.0] ms | - | - | lower | - |"


def test_the_rows_as_saved_carry_every_value_and_the_ratio():
    saved = Row("2 pipeline", "p99", "ms", False, [40, 50], [30, 20]).as_dict()
    assert saved["baseline"] == {"median": 45, "min": 40, "max": 50, "values": [40, 50]}
    assert saved["working"]["median"] == 25
    assert saved["ratio"] == 25 / 45
    assert saved["ratio_per_run"] == [0.75, 0.4]
    assert saved["verdict"] == "better"
    assert json.loads(json.dumps(saved)) == saved


def test_the_figures_a_side_writes_with_json_read_back_whole(tmp_path):
    figures = [rate(1000, 500), latency(40)]
    path = save(figures, "unused", tmp_path / "side.json")
    loaded = load_figures(path)
    assert loaded == figures
    assert "ratio_median" in json.loads(path.read_text())[0]  # the summary is there too, and ignored on reading


def test_memory_at_rest_gives_the_whole_stack_then_each_process_for_rss_and_pss():
    made = at_rest_figures({"rss": {"cards-api": 108.0, "auth-api": 107.0},
                            "pss": {"cards-api": 74.0, "auth-api": 73.0}})
    assert [(f.name, f.values) for f in made] == [
        ("RSS at rest, whole stack", [215.0]), ("RSS at rest, auth-api", [107.0]), ("RSS at rest, cards-api", [108.0]),
        ("PSS at rest, whole stack", [147.0]), ("PSS at rest, auth-api", [73.0]), ("PSS at rest, cards-api", [74.0]),
    ]
    assert not any(f.higher_is_better for f in made)


def fake_tree(tmp_path, help_text: str):
    """A tree whose ``python -m bench --help`` prints ``help_text``."""
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "__init__.py").write_text("")
    (tmp_path / "bench" / "__main__.py").write_text(f"print({help_text!r})\n")
    return tmp_path


def test_a_tree_whose_bench_writes_json_is_measured_by_its_own_harness(tmp_path):
    tree = fake_tree(tmp_path, "usage: python -m bench [--runs RUNS] [--json PATH] [NAME ...]")
    assert speaks_json(tree)
    assert choose_harness(tree, same_harness=False) == OWN_HARNESS
    assert not (tree / "bench" / "compare.py").exists()


def test_an_older_tree_gets_the_working_tree_harness_and_the_output_says_why(tmp_path):
    tree = fake_tree(tmp_path, "usage: python -m bench [--runs RUNS] [--compare REV] [NAME ...]")
    assert not speaks_json(tree)
    assert choose_harness(tree, same_harness=False) == "the working tree's bench/ (its python -m bench has no --json)"
    assert (tree / "bench" / "__main__.py").read_text() == (REPO_ROOT / "bench" / "__main__.py").read_text()


def test_same_harness_copies_the_working_tree_harness_even_over_one_that_writes_json(tmp_path):
    tree = fake_tree(tmp_path, "usage: python -m bench [--json PATH]")
    assert choose_harness(tree, same_harness=True) == "the working tree's bench/ (--same-harness)"
    assert (tree / "bench" / "comparison.py").read_text() == (REPO_ROOT / "bench" / "comparison.py").read_text()
    assert not (tree / "bench" / "__pycache__").exists()


def test_a_side_runs_from_its_tree_with_its_output_kept_and_is_tried_again_when_it_fails(tmp_path):
    from bench.sides import SideFailed, run_in

    (tmp_path / "where.py").write_text("import os, sys\n"
                                       "print(os.getcwd(), os.environ['PYTHONPATH'])\n"
                                       "sys.exit(int(sys.argv[1]))\n")
    output = tmp_path / "out.txt"
    run_in(tmp_path, [sys.executable, "where.py", "0"], "a side", stdout=output)
    assert output.read_text().split() == [str(tmp_path), str(tmp_path)]
    with pytest.raises(SideFailed, match="a side failed 2 time"):
        run_in(tmp_path, [sys.executable, "where.py", "3"], "a side", stdout=output, attempts=2, pause=0)
