"""Request ids, health, readiness, metrics and the OpenAPI document every service gets."""


def test_request_id_is_echoed_or_created(client):
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    created = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert created.headers["X-Request-ID"] not in ("", "bad id with spaces")
    assert client.get("/nowhere").headers["X-Request-ID"]


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "service": "demo"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": "ok"}


def test_readiness_fails_when_the_database_is_gone(tokens):
    from chassis.config import ServiceConfig
    from chassis.http.app_factory import create_service_app

    config = ServiceConfig.from_env("demo", database_url="sqlite:////nonexistent-folder/x.db")
    app = create_service_app(config, title="Demo", token_verifier=tokens.verifier()).app
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unavailable"


def test_readiness_ignores_the_broker_and_opens_no_connection(tokens, tmp_path, monkeypatch):
    """A RabbitMQ outage leaves the API ready (its outbox keeps it working), and a probe costs no AMQP
    connection: kombu's Connection is never built while /readyz answers."""
    import kombu

    from chassis.config import ServiceConfig
    from chassis.http.app_factory import create_service_app

    def no_connection(*args, **kwargs):
        raise AssertionError("a readiness probe opened a broker connection")

    config = ServiceConfig.from_env("demo", database_url=f"sqlite:///{tmp_path / 'x.db'}",
                                    bus_url="amqp://guest:guest@127.0.0.1:1//")
    app = create_service_app(config, title="Demo", token_verifier=tokens.verifier()).app
    monkeypatch.setattr(kombu, "Connection", no_connection)
    monkeypatch.setattr(kombu.connection, "Connection", no_connection)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"] == {"database": "ok"}


def test_metrics_count_requests_by_route_method_and_status_class(client):
    client.get("/healthz")
    assert client.get("/boom").status_code == 500
    for path in ("/nowhere/123", "/nowhere/456"):
        assert client.get(path).status_code == 404
    refused = client.post("/notes", data="x", content_type="text/plain")  # answered by a before_request check
    assert refused.status_code == 415
    text = client.get("/metrics").get_data(as_text=True)
    for sample in ('guichet_http_requests_total{method="GET",route="/healthz",service="demo",status_class="2xx"} 1.0',
                   'guichet_http_requests_total{method="GET",route="/boom",service="demo",status_class="5xx"} 1.0',
                   'guichet_http_requests_total{method="GET",route="unmatched",service="demo",status_class="4xx"} 2.0',
                   'guichet_http_requests_total{method="POST",route="/notes",service="demo",status_class="4xx"} 1.0',
                   'guichet_http_request_duration_seconds_count{method="POST",route="/notes",service="demo"} 1.0'):
        assert sample in text
    assert "/nowhere" not in text  # a path is never a label


def test_openapi_document_lists_the_routes(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["info"]["title"] == "Demo"
    assert "/notes" in spec["paths"] and "post" in spec["paths"]["/notes"]
