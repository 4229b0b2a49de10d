"""Generating one operation's cases for every role, and collecting what broke the contract.

Shared by the in-process run (``test_openapi_fuzz.py``, each app's test client) and the run through
the gateway (``test_gateway_fuzz.py``, real HTTP through nginx): the two differ only in how a case is
sent (``call``) and whose tokens are in ``headers_by_role``.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.fuzz.contract import check_response
from tests.infra import IN_CI


def examples_from_env(variable: str, in_ci: int, default: int) -> int:
    return int(os.environ.get(variable, str(in_ci if IN_CI else default)))


def fuzz_every_role(operation, headers_by_role: dict[str, dict], examples: int, call: Callable,
                    count: Callable[[str], None]) -> list[str]:
    """For each role: ``examples`` positive cases (valid by the document) and half as many negative ones
    (invalid by it), each sent by ``call(case)`` and checked by ``contract.check_response``. Returns one
    text per (role, mode) whose minimal failing case hypothesis found; ``count(role)`` per case sent."""
    failures = []
    for role, auth in headers_by_role.items():
        for mode, number in ((GenerationMode.POSITIVE, examples), (GenerationMode.NEGATIVE, max(1, examples // 2))):
            try:
                _fuzz(operation, auth, mode, number, call, partial(count, role))
            except Unsatisfiable:  # nothing is invalid by the document here (e.g. one free string in the path)
                continue
            except Exception as error:  # hypothesis re-raises the minimal failing case
                failures.append(f"--- role {role}, {mode.value} data:\n{str(error)[:3000]}")
    return failures


def _fuzz(operation, auth: dict, mode: GenerationMode, examples: int, call: Callable, sent: Callable) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.headers = {**(case.headers or {}), **auth}
        response = call(case)
        sent()
        check_response(case, response)

    run()
