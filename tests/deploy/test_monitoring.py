"""deploy/monitoring (issue 21, item 2): the alert rules pass promtool's check and their unit tests, every alert
has its runbook entry, every rule and dashboard panel names only metrics the platform exports, and Kubernetes
gets the same rules and scrapes every process that serves metrics."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.deploy.k8s_rendered import render_overlay
from tests.deploy.support import ROOT, by_kind
from tests.infra import missing
from tests.metric_names import exported_series

MONITORING = ROOT / "deploy" / "monitoring"
ALERTS = MONITORING / "alerts.yaml"
K8S_MONITORING = ROOT / "deploy" / "k8s" / "base" / "monitoring.yaml"
PROMETHEUS_SERIES = {"up"}  # made by Prometheus itself for every target
# PromQL words that are not metric names: operators, modifiers, aggregations (functions are followed by "(").
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio", "inf", "nan"}


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def panel_exprs() -> list[str]:
    dashboard = json.loads((MONITORING / "dashboard.json").read_text())
    panels = [panel for top in dashboard["panels"] for panel in [top, *top.get("panels", [])]]
    return [target["expr"] for panel in panels for target in panel.get("targets", [])]


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads: strings, label matchers, ranges and label lists taken out,
    then every identifier that is neither a keyword nor a function call."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w:.$])([A-Za-z_:][\w:]*)(\s*\()?", expr):
        word, call = match.groups()
        if not call and word.lower() not in KEYWORDS:
            names.add(word)
    return names


def test_the_name_reader_finds_metrics_and_nothing_else():
    expr = ('histogram_quantile(0.99, sum by (service, le) (rate(a_seconds_bucket{route!~"/x|up"}[5m] offset 1h)))'
            ' / on (service) group_left(le) max without (pod) (b_total{q=~".+\\\\.dead"}) > bool 2e3 '
            'unless time() - c_seconds > 120 and vector(0) or count(d)')
    assert metric_names(expr) == {"a_seconds_bucket", "b_total", "c_seconds", "d"}


def test_promtool_checks_the_rules_and_runs_their_unit_tests():
    promtool = shutil.which("promtool")
    if promtool is None:
        missing("promtool (Debian package prometheus: deploy/dev/ensure-infra.sh installs it)")
    checked = subprocess.run([promtool, "check", "rules", str(ALERTS)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(rules())} rules found" in checked.stdout
    tested = subprocess.run([promtool, "test", "rules", "alerts.test.yaml"], cwd=MONITORING, capture_output=True,
                            text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_every_alert_waits_has_a_severity_a_summary_a_runbook_entry_and_tests_both_ways():
    anchors = {re.sub(r"[^a-z0-9 -]", "", line[3:].strip().lower()).replace(" ", "-")
               for line in (ROOT / "docs" / "runbook.md").read_text().splitlines() if line.startswith("## ")}
    unit_tests = yaml.safe_load((MONITORING / "alerts.test.yaml").read_text())["tests"]
    checks = [check for test in unit_tests for check in test["alert_rule_test"]]
    for rule in rules():
        name = rule["alert"]
        assert rule["for"] and rule["labels"]["severity"] in ("critical", "warning"), name
        assert rule["annotations"]["summary"], name
        runbook = rule["annotations"]["runbook_url"]
        assert runbook.startswith("docs/runbook.md#") and runbook.partition("#")[2] in anchors, name
        assert any(check["alertname"] == name and check["exp_alerts"] for check in checks), f"{name} never fires"
        assert any(check["alertname"] == name and not check["exp_alerts"] for check in checks), f"{name} always"


def test_rules_and_dashboard_panels_name_only_metrics_the_platform_exports():
    known = exported_series() | PROMETHEUS_SERIES
    assert {"guichet_http_requests_total", "guichet_bus_outbox_oldest_unsent_age_seconds",
            "guichet_bus_consumer_lag_seconds_bucket", "guichet_notifier_email_attempts_total"} <= known
    for rule in rules():
        names = metric_names(rule["expr"])
        assert names and names <= known, f"{rule['alert']}: {sorted(names - known)} no process exports"
    exprs = panel_exprs()
    assert len(exprs) >= 15
    for expr in exprs:
        names = metric_names(expr)
        assert names and names <= known, f"dashboard panel: {sorted(names - known)} no process exports\n{expr}"
    dashboard = json.loads((MONITORING / "dashboard.json").read_text())
    for variable in dashboard["templating"]["list"]:
        query = variable.get("query")
        if isinstance(query, dict):  # label_values(<metric>, <label>)
            metric = re.fullmatch(r"label_values\((\w+), *\w+\)", query["query"]).group(1)
            assert metric in known, variable["name"]


def test_the_kubernetes_prometheus_rule_holds_the_same_groups_as_the_alert_file():
    docs = list(yaml.safe_load_all(K8S_MONITORING.read_text()))
    [rule] = [doc for doc in docs if doc and doc["kind"] == "PrometheusRule"]
    assert rule["spec"]["groups"] == yaml.safe_load(ALERTS.read_text())["groups"], \
        "run python deploy/monitoring/prometheus_rule.py"
    written = subprocess.run([sys.executable, str(MONITORING / "prometheus_rule.py"), "--check"], capture_output=True,
                             text=True)
    assert written.returncode == 0, written.stderr


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_the_pod_monitors_scrape_every_process_that_serves_metrics_and_the_network_lets_them(overlay, tmp_path):
    docs = render_overlay(overlay, tmp_path)
    monitors = by_kind(docs, "PodMonitor")
    assert set(monitors) == {"guichet-apis", "guichet-bus"}
    assert "guichet-alerts" in by_kind(docs, "PrometheusRule")
    policies = list(by_kind(docs, "NetworkPolicy").values())
    settings = {key: value for doc in by_kind(docs, "ConfigMap").values() for key, value in doc.get("data", {}).items()}
    scraped = {}
    for name, deployment in by_kind(docs, "Deployment").items():
        pod = deployment["spec"]["template"]
        labels = pod["metadata"]["labels"]
        selecting = [monitor for monitor in monitors.values() if _selects(monitor["spec"]["selector"], labels)]
        component = labels["app.kubernetes.io/component"]
        if component not in ("api", "worker", "relay", "sender"):
            assert not selecting, f"{name} ({component}) serves no metrics"
            continue
        assert len(selecting) == 1, name
        monitor = selecting[0]
        assert monitor["metadata"]["namespace"] == deployment["metadata"]["namespace"] == "guichet"
        assert monitor["spec"]["jobLabel"] in labels  # the alerts' job="guichet"
        (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
        ports = {port["name"]: port["containerPort"] for container in pod["spec"]["containers"]
                 for port in container.get("ports", [])}
        assert endpoint["port"] in ports and endpoint["path"] == "/metrics", name
        number = ports[endpoint["port"]]
        if component != "api":
            assert str(number) == settings["BUS_METRICS_PORT"], name
        assert any(_lets_monitoring_in(policy, labels, number) for policy in policies), \
            f"no network policy lets the monitoring namespace reach {name} on {number}"
        scraped[name] = number
    assert {"cards", "billing-worker", "billing-relay", "notifier-sender"} <= set(scraped)


def _selects(selector: dict, labels: dict) -> bool:
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        present = expression["key"] in labels and labels[expression["key"]] in expression.get("values", [])
        if present != (expression["operator"] == "In"):
            return False
    return True


def _lets_monitoring_in(policy: dict, labels: dict, port: int) -> bool:
    if not _selects(policy["spec"]["podSelector"], labels):
        return False
    for rule in policy["spec"].get("ingress", []):
        from_monitoring = any(peer.get("namespaceSelector", {}).get("matchLabels") ==
                              {"kubernetes.io/metadata.name": "monitoring"} and "podSelector" not in peer
                              for peer in rule.get("from", []))
        if from_monitoring and any(item.get("port") == port for item in rule.get("ports", [])):
            return True
    return False
