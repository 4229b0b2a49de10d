"""What every benchmark shares: a figure measured over several runs against a baseline of the same run.

A ``Figure`` holds one value per run and, when it has one, the baseline measured in the same run;
the table shows the median with min and max, and the median of the per-run ratios.
"""
from __future__ import annotations

import json
import statistics
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from chassis.config import REPO_ROOT

RESULTS_DIR = REPO_ROOT / "var" / "bench"


@dataclass
class Figure:
    benchmark: str
    name: str
    unit: str
    values: list[float] = field(default_factory=list)
    baseline_name: str = ""
    baselines: list[float] = field(default_factory=list)
    target: str = ""
    higher_is_better: bool = True

    def add(self, value: float, baseline: float | None = None) -> None:
        self.values.append(value)
        if baseline is not None:
            self.baselines.append(baseline)

    @property
    def ratios(self) -> list[float]:
        return [value / base for value, base in zip(self.values, self.baselines, strict=False) if base]

    def row(self) -> dict:
        ratios = self.ratios
        return {"benchmark": self.benchmark, "figure": self.name, "unit": self.unit, "runs": len(self.values),
                "median": _median(self.values), "min": min(self.values, default=None),
                "max": max(self.values, default=None), "baseline": self.baseline_name,
                "baseline_median": _median(self.baselines), "ratio_median": _median(ratios),
                "ratio_min": min(ratios, default=None), "ratio_max": max(ratios, default=None),
                "target": self.target}


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def fmt(value) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(figures: list[Figure]) -> str:
    """A Markdown table: median [min - max] of each figure and of its ratio to the baseline."""
    lines = ["| benchmark | figure | median [min - max] | baseline (median) | ratio median [min - max] | target |",
             "|---|---|---|---|---|---|"]
    for figure in figures:
        row = figure.row()
        value = f"{fmt(row['median'])} [{fmt(row['min'])} - {fmt(row['max'])}] {row['unit']}"
        baseline = f"{row['baseline']}: {fmt(row['baseline_median'])}" if row["baseline"] else "-"
        ratio = (f"{fmt(row['ratio_median'])}x [{fmt(row['ratio_min'])} - {fmt(row['ratio_max'])}]"
                 if row["ratio_median"] is not None else "-")
        lines.append(f"| {row['benchmark']} | {row['figure']} | {value} "
                     f"| {baseline} | {ratio} | {row['target'] or '-'} |")
    return "\n".join(lines)


def save(figures: list[Figure], label: str, path: Path | None = None) -> Path:
    return save_json(figures_json(figures), label, path)


def save_json(data, label: str, path: Path | None = None) -> Path:
    """``data`` at ``path``, or as ``var/bench/<label>-<time>.json``."""
    if path is None:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{label}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    Path(path).write_text(json.dumps(data, indent=2))
    return Path(path)


def figures_json(figures: list[Figure]) -> list[dict]:
    """The raw results of ``python -m bench``, and what ``--json PATH`` writes for ``--compare`` to read back:
    each figure's fields (values per run, baselines) with its summary row."""
    return [{**asdict(f), **f.row()} for f in figures]


def load_figures(path: Path) -> list[Figure]:
    """The figures of a ``--json`` file, from any commit that writes one: unknown keys are left out."""
    names = {f.name for f in fields(Figure)}
    return [Figure(**{key: value for key, value in item.items() if key in names})
            for item in json.loads(Path(path).read_text())]


def wait_until(predicate, timeout: float, interval: float = 0.05, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout:.0f} s")
        time.sleep(interval)
