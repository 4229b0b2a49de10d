"""The figures of two sides of an A/B run, matched by benchmark and name, with their ratio and verdict.

``gather`` adds one run's figures of a side to what that side measured so far; ``rows`` pairs the two sides
figure by figure (a figure only one side has gets a row with ``-`` for the other: its name or unit
changed); ``table`` prints them. The ratio is working / baseline of the medians; the per-run ratios (run i
of both sides ran next to each other) give its range and the verdict. A figure's ratio to its in-run baseline (the bare
app, raw publishing, one worker) is compared as a figure of its own, named ``<figure> / <baseline>``.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from bench.common import Figure, fmt

Key = tuple[str, str]  # (benchmark, figure name)


def gather(into: dict[Key, Figure], figures: list[Figure]) -> None:
    """Appends one run's ``figures`` to the same figures of earlier runs. A name given twice in one run (one
    value against two baselines: benchmark 1's read rate) counts once; its two ratios are two figures."""
    seen: set[Key] = set()
    for figure in [made for f in figures for made in (f, *((ratio_figure(f),) if f.baseline_name else ()))]:
        key = (figure.benchmark, figure.name)
        if key in seen:
            continue
        seen.add(key)
        known = into.setdefault(key, replace(figure, values=[], baselines=[]))
        known.values.extend(figure.values)
        known.baselines.extend(figure.baselines)


def ratio_figure(figure: Figure) -> Figure:
    return Figure(figure.benchmark, f"{figure.name} / {figure.baseline_name}", "x", values=figure.ratios,
                  higher_is_better=figure.higher_is_better)


@dataclass
class Row:
    benchmark: str
    figure: str
    unit: str
    higher_is_better: bool
    baseline: list[float]
    working: list[float]

    @property
    def ratio(self) -> float | None:
        """working / baseline, of the medians."""
        if not self.baseline or not self.working or not statistics.median(self.baseline):
            return None
        return statistics.median(self.working) / statistics.median(self.baseline)

    @property
    def per_run(self) -> list[float]:
        """working / baseline of each run (both sides of run i ran one after the other)."""
        return [work / base for work, base in zip(self.working, self.baseline, strict=False) if base]

    @property
    def verdict(self) -> str:
        """``better`` or ``worse`` when every run's ratio says so (both sides of a run share the machine's
        drift, which two ranges side by side do not); ``runs disagree`` when they do not."""
        ratio, per_run = self.ratio, self.per_run
        if ratio is None:
            return "-"
        if len(per_run) > 1:
            if min(per_run) <= 1 <= max(per_run):
                return "runs disagree"
            ratio = per_run[0]
        if ratio == 1:
            return "same"
        return "better" if (ratio > 1) == self.higher_is_better else "worse"

    def as_dict(self) -> dict:
        def summary(values):
            return {"median": statistics.median(values) if values else None, "min": min(values, default=None),
                    "max": max(values, default=None), "values": values}

        return {"benchmark": self.benchmark, "figure": self.figure, "unit": self.unit,
                "higher_is_better": self.higher_is_better, "baseline": summary(self.baseline),
                "working": summary(self.working), "ratio": self.ratio, "ratio_per_run": self.per_run,
                "verdict": self.verdict}


def rows(baseline: dict[Key, Figure], working: dict[Key, Figure]) -> list[Row]:
    """One row per figure, in the working tree's order, then the figures only the baseline has."""
    keys = [*working, *(key for key in baseline if key not in working)]
    made = []
    for key in keys:
        either = working.get(key) or baseline[key]
        made.append(Row(key[0], key[1], either.unit, either.higher_is_better,
                        baseline[key].values if key in baseline else [],
                        working[key].values if key in working else []))
    return made


def _spread(values: list[float], unit: str) -> str:
    if not values:
        return "-"
    return f"{fmt(statistics.median(values))} [{fmt(min(values))} - {fmt(max(values))}] {unit}"


def _ratio(row: Row) -> str:
    if row.ratio is None:
        return "-"
    per_run = row.per_run
    spread = f" [{min(per_run):.3f} - {max(per_run):.3f}]" if len(per_run) > 1 else ""
    return f"{row.ratio:.3f}x{spread}"


def table(made: list[Row], baseline_label: str, working_label: str = "working tree") -> str:
    """A Markdown table: each side's median [min - max], the ratio working / baseline [per-run min - max],
    which way is better, and whether the working tree is better or worse (or the runs disagree)."""
    lines = [f"| benchmark | figure | {baseline_label} median [min - max] | {working_label} median [min - max] "
             f"| {working_label} / {baseline_label} | better when | verdict |",
             "|---|---|---|---|---|---|---|"]
    for row in made:
        lines.append(f"| {row.benchmark} | {row.figure} | {_spread(row.baseline, row.unit)} "
                     f"| {_spread(row.working, row.unit)} | {_ratio(row)} "
                     f"| {'higher' if row.higher_is_better else 'lower'} | {row.verdict} |")
    return "\n".join(lines)
