"""The PrometheusRule of deploy/k8s/base/monitoring.yaml, written from deploy/monitoring/alerts.yaml.

The rule groups live in one file, alerts.yaml (promtool checks and unit-tests it); Kubernetes takes them
wrapped in a prometheus-operator PrometheusRule. This rewrites that object, the end of monitoring.yaml after
its MARKER line, from alerts.yaml:

    python deploy/monitoring/prometheus_rule.py          # after changing alerts.yaml
    python deploy/monitoring/prometheus_rule.py --check  # exit 1 if monitoring.yaml is behind

(tests/deploy/test_monitoring.py checks they agree.)
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy" / "monitoring" / "alerts.yaml"
MONITORING = ROOT / "deploy" / "k8s" / "base" / "monitoring.yaml"
MARKER = "# --- Below: written by `python deploy/monitoring/prometheus_rule.py` from deploy/monitoring/alerts.yaml."


class _BlockStrings(yaml.SafeDumper):
    """Multi-line PromQL as YAML blocks, as written in alerts.yaml."""


def _string(dumper, text: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_BlockStrings.add_representer(str, _string)


def prometheus_rule() -> dict:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
            "metadata": {"name": "guichet-alerts"}, "spec": {"groups": groups}}


def rendered() -> str:
    head = MONITORING.read_text().split(MARKER, 1)[0]
    body = yaml.dump(prometheus_rule(), Dumper=_BlockStrings, sort_keys=False, width=200, allow_unicode=True)
    return f"{head}{MARKER}\n{body}"


def main(argv: list[str]) -> int:
    text = rendered()
    if "--check" in argv:
        if MONITORING.read_text() != text:
            print(f"{MONITORING.relative_to(ROOT)} is behind {ALERTS.relative_to(ROOT)}: "
                  "run python deploy/monitoring/prometheus_rule.py", file=sys.stderr)
            return 1
        return 0
    MONITORING.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
