"""Generating one operation's cases for every role, and collecting what broke the contract.

Shared by the in-process run (``test_openapi_fuzz.py``, each app's test client) and the run through
the gateway (``test_gateway_fuzz.py``, real HTTP through nginx): the two differ only in how a case is
sent (``call``) and whose tokens are in ``headers_by_role``.
"""
from __future__ import annotations

import os
from collections.abc import Callable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.fuzz.contract import check_response
from tests.infra import IN_CI


def examples_from_env(variable: str, in_ci: int, default: int) -> int:
    return int(os.environ.get(variable, str(in_ci if IN_CI else default)))


def fuzz_every_role(operation, headers_by_role: dict[str, dict], examples: int, call: Callable,
                    count: Callable[[str], None]) -> list[str]:
    """``examples`` positive cases (valid by the document) and half as many negative ones (invalid by it),
    each sent by ``call(case)`` once with every role's token and checked by ``contract.check_response``.
    Returns one text per mode whose minimal failing case hypothesis found, naming the role;
    ``count(role)`` per case sent.

    The cases are generated once and sent for every role: hypothesis spends most of its time generating
    (it draws and discards many candidates per kept case), and a role changes only the token."""
    failures = []
    for mode, number in ((GenerationMode.POSITIVE, examples), (GenerationMode.NEGATIVE, max(1, examples // 2))):
        try:
            _fuzz(operation, headers_by_role, mode, number, call, count)
        except Unsatisfiable:  # nothing is invalid by the document here (e.g. one free string in the path)
            continue
        except Exception as error:  # hypothesis re-raises the minimal failing case
            notes = "\n".join(getattr(error, "__notes__", ()))
            failures.append(f"--- {mode.value} data:\n{str(error)[:3000]}\n{notes[:3000]}")
    return failures


def _fuzz(operation, headers_by_role: dict[str, dict], mode: GenerationMode, examples: int, call: Callable,
          count: Callable[[str], None]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    def run(case):
        generated_headers = dict(case.headers or {})
        for role, auth in headers_by_role.items():
            case.headers = {**generated_headers, **auth}
            response = call(case)
            count(role)
            try:
                check_response(case, response)
            except Exception as error:
                error.add_note(f"(sent with the {role} token)")
                raise

    run()
