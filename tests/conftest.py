"""What the whole suite shares: a run tag per xdist worker, the ``unit`` tier, the groups that keep an
expensive stack on one worker, and the last line naming what was skipped for missing infrastructure.

Loaded before any other conftest, so the worker's tag is in the environment before ``tests.infra`` reads it.
"""
from __future__ import annotations

import inspect
import os
import re
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

# A session fixture that starts a whole platform: the tests using it run on one xdist worker (one start).
# The others are grouped by file (module fixtures: one database per module). Longest groups go first.
SHARED_STACKS = {("browser", "platform"): "browser", ("reliability", "private_platform"): "reliability",
                 ("fuzz", "gateway"): "fuzz-gateway", ("fuzz", "services"): "fuzz-apps",
                 ("security", "platform"): "security"}
FIRST = ["reliability", "browser", "fuzz-gateway", "tests/e2e/test_platform.py", "security", "fuzz-apps"]


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


def stack_group(item) -> str:
    folder = Path(item.path).relative_to(TESTS).parts[0]
    for (where, fixture), group in SHARED_STACKS.items():
        if folder == where and fixture in item.fixturenames:
            return group
    return Path(item.path).relative_to(TESTS.parent).as_posix()


@pytest.hookimpl(tryfirst=True)  # before -m selects, and before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not needs_infrastructure(item):
            item.add_marker(pytest.mark.unit)
        item.add_marker(pytest.mark.xdist_group(stack_group(item)))
    rank = {group: index for index, group in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(stack_group(item), len(FIRST)))  # stable: files keep their order


def pytest_terminal_summary(terminalreporter):
    from tests.infra import IN_CI, MISSING

    if IN_CI:
        return  # under CI=true missing infrastructure fails the tests instead
    by_reason = defaultdict(list)
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if MISSING in reason:
            what = reason.split(f"{MISSING}: ", 1)[-1].split(":", 1)[0].split(" (", 1)[0]
            by_reason[what].append(report.nodeid.split("::", 1)[0])
    if not by_reason:
        return
    total = sum(len(nodeids) for nodeids in by_reason.values())
    details = "; ".join(f"{what}: {len(nodeids)} in {', '.join(sorted(set(nodeids))[:4])}"
                        + (" ..." if len(set(nodeids)) > 4 else "") for what, nodeids in sorted(by_reason.items()))
    terminalreporter.write_sep("!", f"SKIPPED FOR MISSING INFRASTRUCTURE: {total} tests", red=True, bold=True)
    terminalreporter.write_line(f"({details}); deploy/dev/ensure-infra.sh installs and starts them", red=True)
