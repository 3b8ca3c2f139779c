"""bench/_common.py: the percentiles, ratios and result files every benchmark reports with."""

from __future__ import annotations

import json

import pytest

from bench._common import Timing, format_table, measure, percentile, ratios, write_results


def test_percentile_interpolates_between_closest_ranks():
    samples = [4.0, 1.0, 3.0, 2.0]
    assert percentile(samples, 0) == 1.0
    assert percentile(samples, 50) == 2.5
    assert percentile(samples, 100) == 4.0
    assert percentile(samples, 95) == pytest.approx(3.85)
    assert percentile([7.0], 99) == 7.0


def test_percentile_rejects_no_samples_and_out_of_range():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_measure_runs_warmup_and_setup_untimed_and_counts_samples():
    calls: list[str] = []
    timing = measure(
        "work",
        lambda: calls.append("run"),
        repeat=3,
        warmup=2,
        setup=lambda: calls.append("setup"),
        items=10,
    )
    assert calls == ["setup", "run"] * 5
    assert len(timing.samples) == 3
    assert all(sample >= 0 for sample in timing.samples)
    assert timing.items == 10


def test_ratio_is_median_over_the_baseline_median():
    baseline = Timing("raw SQL", (0.010, 0.010, 0.030))
    console = Timing("console", (0.020, 0.025, 0.030), items=1000)

    assert ratios([baseline, console], baseline="raw SQL") == {
        "raw SQL": 1.0,
        "console": pytest.approx(2.5),
    }
    assert console.per_second == pytest.approx(40_000)
    table = format_table([baseline, console], baseline="raw SQL")
    lines = table.splitlines()
    assert lines[0].split()[0] == "workload"
    assert lines[2].startswith("raw SQL (baseline)")
    assert lines[3].split()[-1] == "2.50"
    assert "40,000" in lines[3]
    with pytest.raises(ValueError):
        ratios([console], baseline="raw SQL")


def test_write_results_stores_params_environment_and_ratios(tmp_path):
    timings = [Timing("baseline", (1.0, 1.0)), Timing("workload", (3.0, 3.0))]

    path = write_results(
        "example", timings, baseline="baseline", params={"rows": 5}, results_dir=tmp_path
    )

    assert path == tmp_path / "example.json"
    document = json.loads(path.read_text())
    assert document["benchmark"] == "example"
    assert document["params"] == {"rows": 5}
    assert document["baseline"] == "baseline"
    assert "python" in document["environment"]
    by_name = {row["name"]: row for row in document["results"]}
    assert by_name["workload"]["ratio_to_baseline"] == 3.0
    assert by_name["workload"]["samples_s"] == [3.0, 3.0]
