"""What the whole suite shares: a run tag per xdist worker, the ``unit`` tier, the groups that keep an
expensive stack on one worker (the others' workers behind them in CPU priority), and the last line naming what
was skipped for missing infrastructure.

Loaded before any other conftest, so the worker's tag is in the environment before ``tests.infra`` reads it.
"""
from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

# Each xdist worker (gw0, gw1...) creates its databases and stack prefixes under a tag of its own.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["GUICHET_TEST_RUN"] = os.environ.get("GUICHET_TEST_RUN", "") + os.environ["PYTEST_XDIST_WORKER"]

TESTS = Path(__file__).resolve().parent

# Names that reach PostgreSQL, RabbitMQ, nginx, an SMTP server or Chromium. A test is ``unit`` when neither its
# module nor any fixture it uses names one of them (``./guichet test -m unit`` runs without any server).
INFRASTRUCTURE = re.compile(r"\b(migrated_database|fresh_database|postgres_url|rabbitmq_url|unique_exchange"
                            r"|require_local_stack_infrastructure|stack_database_prefix|make_database|make_settings"
                            r"|SmtpSink|MailCatcher|start_service|stack\.local|nginx_binary|prepare_gateway"
                            r"|sync_playwright|private_platform|psycopg|kombu|PG_ADMIN_URL|AMQP_URL)\b")
NOT_UNIT_MARKS = ("integration", "e2e", "browser", "reliability")

# Under ``--dist loadgroup``: the tests of a fixture that starts a whole platform run on one worker (one start),
# and the e2e and fuzz platforms share one, one after the other (PostgreSQL's 100 connections hold two such
# platforms at once, not three); a module with module fixtures (its database, its app) stays on one worker;
# a test with only function and session fixtures goes to any worker. The longest groups start first.
SHARED_STACKS = {("browser", "platform"): "browser", ("browser", "browser"): "browser",
                 ("reliability", "private_platform"): "reliability", ("gateway", "gateway"): "gateway",
                 ("e2e", "platform"): "stacks", ("privacy", "platform"): "stacks", ("fuzz", "gateway"): "stacks"}
FIRST = ["reliability", "browser", "stacks"]

def _source(obj) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


_module_needs = {}


def needs_infrastructure(item) -> bool:
    if any(item.get_closest_marker(name) for name in NOT_UNIT_MARKS):
        return True
    module = item.module
    if module not in _module_needs:
        _module_needs[module] = bool(INFRASTRUCTURE.search(_source(module)))
    if _module_needs[module]:
        return True
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        for definition in definitions:
            if INFRASTRUCTURE.search(_source(definition.func)):
                return True
    return False


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist") and not os.environ.get("PYTEST_XDIST_WORKER"):
        config.pluginmanager.register(GroupScheduling(), "guichet-group-scheduling")
        # The workers, started after this, write their tests' groups there (record_groups).
        os.environ["GUICHET_TEST_GROUPS"] = os.path.join(tempfile.mkdtemp(prefix="guichet-groups-"), "groups")


class GroupScheduling:
    """xdist's loadgroup reads a group from a suffix it writes into the node id, which pytest 9.2 no longer lets
    it change (pytest-xdist issue 1386): the same scheduling, with the groups the workers wrote down."""

    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") != "loadgroup":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class Scheduling(LoadScopeScheduling):
            groups: dict | None = None

            def _split_scope(self, nodeid: str) -> str:
                if self.groups is None:
                    self.groups = read_groups()
                return self.groups.get(nodeid) or nodeid

        config.option.loadscopereorder = False  # our order: the longest groups first
        return Scheduling(config, log)


def record_groups(items) -> None:
    path = os.environ.get("GUICHET_TEST_GROUPS")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if path and worker:
        groups = {item.nodeid: mark.args[0] for item in items if (mark := item.get_closest_marker("xdist_group"))}
        Path(f"{path}.{worker}.tmp").write_text(json.dumps(groups))
        os.replace(f"{path}.{worker}.tmp", f"{path}.{worker}")


def pytest_unconfigure(config):
    path = os.environ.get("GUICHET_TEST_GROUPS")
    if path and not os.environ.get("PYTEST_XDIST_WORKER"):
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def read_groups() -> dict:
    for found in sorted(Path(os.environ["GUICHET_TEST_GROUPS"]).parent.glob("groups.gw*")):
        return json.loads(found.read_text())
    return {}


def stack_group(item) -> str | None:
    folder = Path(item.path).relative_to(TESTS).parts[0]
    for (where, fixture), group in SHARED_STACKS.items():
        if folder == where and fixture in item.fixturenames:
            return group
    scopes = {definition.scope for definitions in item._fixtureinfo.name2fixturedefs.values()
              for definition in definitions}
    if scopes & {"module", "class", "package"}:
        return Path(item.path).relative_to(TESTS.parent).as_posix()
    return None


@pytest.hookimpl(tryfirst=True)  # before -m selects, and before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not needs_infrastructure(item):
            item.add_marker(pytest.mark.unit)
        group = stack_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    rank = {group: index for index, group in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(stack_group(item), len(FIRST)))  # stable: files keep their order
    record_groups(items)


# The browser group is the run's longest path (one platform, one test after another, each waiting on Chromium and
# the services): a worker that leaves the long groups for the other tests lowers its CPU priority, so that when the
# 2 cores are short the browser walk goes first and the other tests fill the gaps. CPU spent stays the same.
LONG_GROUPS = set(FIRST)
BEHIND_THE_LONG_GROUPS = 5  # a nice increment: about a third of a core's share against an unniced process


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures start anything, which inherits the priority
def pytest_runtest_setup(item):
    if os.environ.get("PYTEST_XDIST_WORKER") and stack_group(item) not in LONG_GROUPS and os.nice(0) == 0:
        os.nice(BEHIND_THE_LONG_GROUPS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The generated cases an xdist worker sent (tests/fuzz), added up for the run's count."""
    if cases := getattr(node, "workeroutput", {}).get("fuzz_cases"):
        from tests.fuzz.conftest import CASES

        for route, service, role, count in cases:
            CASES[(route, service, role)] += count


def pytest_terminal_summary(terminalreporter):
    if fuzz := sys.modules.get("tests.fuzz.conftest"):
        fuzz.report_cases(terminalreporter)


@pytest.hookimpl(wrapper=True, tryfirst=True)  # around the terminal's own: after its last line
def pytest_sessionfinish(session):
    result = yield
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not os.environ.get("PYTEST_XDIST_WORKER"):
        loud_line_for_missing_infrastructure(reporter)
    return result


def loud_line_for_missing_infrastructure(reporter) -> None:
    from tests.infra import IN_CI, MISSING

    if IN_CI:
        return  # under CI=true missing infrastructure fails the tests instead
    by_reason = defaultdict(list)
    for report in reporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if MISSING in reason:
            what = reason.split(f"{MISSING}: ", 1)[-1].split(":", 1)[0].split(" (", 1)[0]
            by_reason[what].append(report.nodeid.split("::", 1)[0])
    if not by_reason:
        return
    total = sum(len(nodeids) for nodeids in by_reason.values())
    details = "; ".join(f"{what}: {', '.join(sorted(set(nodeids))[:3])}" + (" ..." if len(set(nodeids)) > 3 else "")
                        for what, nodeids in sorted(by_reason.items()))
    reporter.write_sep("!", "deploy/dev/ensure-infra.sh installs and starts what is missing", red=True)
    reporter.write_line(f"SKIPPED FOR MISSING INFRASTRUCTURE: {total} tests ({details})", red=True, bold=True)


@pytest.fixture
def spans():
    """Tracing on for one test, every finished span kept in memory (``spans.get_finished_spans()``), then off.
    Set up before the apps a test builds: the app factory instruments them only when tracing is on."""
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from chassis import tracing

    assert not tracing.enabled(), "tracing was left on by an earlier test"
    exporter = InMemorySpanExporter()
    tracing.setup_tracing("tests", exporter=exporter)
    yield exporter
    tracing.stop_tracing()
