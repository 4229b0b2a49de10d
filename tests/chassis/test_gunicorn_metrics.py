"""One scrape of an API under gunicorn counts the requests of all its workers (issue 21, item 1).

A real cards API with two workers, started as ``python -m stack.local`` starts it (tests/chassis/test_gunicorn_logs).
Each worker in turn is stopped (SIGSTOP) while requests are sent, so that both serve some, as the access log's
``pid`` shows; then one scrape, whichever worker answers it, must say the total. A worker killed and replaced
takes none of the counts with it, and a master started again on the same folder starts from zero.
"""
from __future__ import annotations

import os
import re
import signal
import uuid
from contextlib import contextmanager

from prometheus_client.parser import text_string_to_metric_families

from tests.chassis.test_gunicorn_logs import CardsApi, eventually
from tests.metric_names import unknown_series

ROUTE = "/sessions/<session_id>/attestations"  # the URL rule, whatever the id


def scrape(api: CardsApi) -> dict[tuple[str, frozenset], float]:
    response = api.get("/metrics")
    assert response.status_code == 200
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def requests_of_route(samples) -> float | None:
    return value(samples, "guichet_http_requests_total", service="cards", route=ROUTE, method="GET",
                 status_class="4xx")


def ready(api: CardsApi) -> None:
    assert eventually(lambda: api.get("/healthz").status_code == 200), api.output.getvalue()[-4000:]


def workers(api: CardsApi, count: int) -> list[int]:
    def booted():
        pids = [int(r["event"].rsplit(" ", 1)[1]) for r in api.records()
                if str(r.get("event", "")).startswith("Booting worker with pid")]
        return pids if len(pids) >= count else None
    pids = eventually(booted)
    assert pids, api.output.getvalue()[-4000:]
    return pids


@contextmanager
def stopped(pid: int):
    """The worker cannot accept while stopped: the other one takes every connection."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def ask_attestations(api: CardsApi, times: int) -> list[str]:
    """Requests without a token (401): ids differ, the route is one. Returns their request ids."""
    ids = []
    for _ in range(times):
        response = api.get(f"/sessions/{uuid.uuid4()}/attestations")
        assert response.status_code == 401
        ids.append(response.headers["X-Request-ID"])
    return ids


def served_by(api: CardsApi, request_ids: list[str]) -> set[int]:
    """The pids of the workers whose access lines carry these request ids."""
    wanted = set(request_ids)

    def all_logged():
        lines = [r for r in api.records() if r.get("event") == "http_request" and r.get("request_id") in wanted]
        return lines if len(lines) == len(wanted) else None
    lines = eventually(all_logged)
    assert lines, api.output.getvalue()[-4000:]
    return {line["pid"] for line in lines}


def test_one_scrape_counts_the_requests_of_both_workers_and_of_a_replaced_one(tmp_path):
    data = tmp_path / "data"
    gone_master = data / "prometheus" / "gunicorn-999999999"  # a master killed earlier left its folder
    gone_master.mkdir(parents=True)
    api = CardsApi(tmp_path, WEB_CONCURRENCY="2", GUNICORN_PRELOAD="1", GUICHET_DATA_DIR=str(data))
    try:
        first, second = workers(api, 2)
        ready(api)
        with stopped(first):
            by_second = ask_attestations(api, 3)
        with stopped(second):
            by_first = ask_attestations(api, 4)
        assert served_by(api, by_second) == {second} and served_by(api, by_first) == {first}

        samples = scrape(api)
        assert requests_of_route(samples) == 7
        assert value(samples, "guichet_http_request_duration_seconds_count", service="cards", route=ROUTE,
                     method="GET") == 7
        assert not unknown_series(name for name, _ in samples)
        routes = {dict(labels)["route"] for _, labels in samples if "route" in dict(labels)}
        assert ROUTE in routes and not any(re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", route) for route in routes)
        folders = sorted(path.name for path in (data / "prometheus").iterdir())
        master = api.wait_for(lambda r: str(r.get("event", "")).startswith("Starting gunicorn"))["pid"]
        assert folders == [f"gunicorn-{master}"]  # its own, the gone master's removed

        os.kill(first, signal.SIGKILL)  # gunicorn starts another worker; the dead one's counts stay
        replacement = workers(api, 3)[2]
        ask_attestations(api, 1)
        assert requests_of_route(scrape(api)) == 8
        assert replacement not in (first, second)
    finally:
        api.stop()
    assert not (data / "prometheus" / f"gunicorn-{master}").exists()  # removed as the master exits


def test_a_master_started_again_on_the_same_folder_starts_from_zero(tmp_path):
    """An operator's PROMETHEUS_MULTIPROC_DIR (or a container restarted in its pod, same /tmp, same pid): the
    files of the master before would add its counts to the new one's."""
    folder = tmp_path / "metrics"
    for run, times in enumerate((3, 2)):
        api = CardsApi(tmp_path, WEB_CONCURRENCY="2", GUNICORN_PRELOAD="0", PROMETHEUS_MULTIPROC_DIR=str(folder),
                       GUICHET_DATA_DIR=str(tmp_path / "data"))
        try:
            workers(api, 2)
            ready(api)
            ask_attestations(api, times)
            assert requests_of_route(scrape(api)) == times, f"run {run + 1}"
        finally:
            api.stop()
        assert any(folder.iterdir())  # an operator's folder is left as it is, until the next start
