"""README's first command, run as a newcomer would: it serves, and an account works end to end."""
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _readme_start_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith("./guichet start"))
    return line.split("#")[0].split()


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("embedded")
    env = {**os.environ, "PORT": str(port), "GUICHET_DATA_DIR": str(data_dir),
           "GUICHET_DEMO_PASSWORD": "Demo-password-1234"}
    for name in list(env):  # the embedded defaults, not the test suite's servers
        if name.endswith("_DATABASE_URL") or name in {"BUS_URL", "AUTH_JWKS_URL", "PUBLIC_BASE_URL"}:
            env.pop(name)
    log = open(data_dir / "stdout.log", "w")
    process = subprocess.Popen(_readme_start_command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(f"{base}/api/auth/healthz", timeout=1).status_code == 200 and \
                    "Demo accounts" in (data_dir / "stdout.log").read_text():
                break
        except (requests.ConnectionError, requests.Timeout):  # a loaded machine answers late: ask again
            pass
        time.sleep(0.5)
    else:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the platform did not start in 120 s:\n" + (data_dir / "stdout.log").read_text()[-3000:])
    if process.poll() is not None:
        pytest.fail("the platform exited:\n" + (data_dir / "stdout.log").read_text()[-3000:])
    yield {"base": base, "log": data_dir / "stdout.log", "data_dir": data_dir}
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


def test_banner_prints_the_demo_accounts(platform):
    banner = platform["log"].read_text(encoding="utf-8")
    for login in ("staff@asstsas.demo", "staff@aqpm.demo", "ethc123", "membre@aqpm.demo"):
        assert login in banner


def test_register_login_me_through_the_gateway_layout(platform):
    base = platform["base"]
    email = "nouvelle.membre@example.org"
    registered = requests.post(f"{base}/api/auth/register", json={
        "first_name": "Nadia", "last_name": "Tremblay", "email": email, "email_confirmation": email,
        "password": "Un-mot-de-passe-solide", "password_confirmation": "Un-mot-de-passe-solide"}, timeout=10)
    assert registered.status_code == 201, registered.text
    login = requests.post(f"{base}/api/auth/login", json={"login": email, "password": "Un-mot-de-passe-solide"},
                          timeout=10)
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    me = requests.get(f"{base}/api/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 200
    assert me.json()["email"] == email and me.json()["roles"] == ["member"]


def test_demo_trainer_logs_in_by_username(platform):
    login = requests.post(f"{platform['base']}/api/auth/login",
                          json={"login": "ethc123", "password": "Demo-password-1234"}, timeout=10)
    assert login.status_code == 200, login.text
    assert login.json()["must_change_password"] is False


def test_every_service_answers_under_its_prefix(platform):
    for service in ("auth", "cards", "billing", "productions", "notifier"):
        response = requests.get(f"{platform['base']}/api/{service}/readyz", timeout=10)
        assert response.status_code == 200, (service, response.text)
        assert response.json()["service"] == service


def test_api_docs_list_every_service(platform):
    page = requests.get(f"{platform['base']}/api/docs/", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    listed = requests.get(f"{platform['base']}/api/docs/services.json", timeout=10).json()
    assert [entry["service"] for entry in listed["services"]] == ["auth", "cards", "billing", "productions",
                                                                  "notifier"]
    for entry in listed["services"]:
        assert requests.get(f"{platform['base']}{entry['openapi']}", timeout=10).json()["openapi"].startswith("3.")


def test_the_web_front_end_answers_at_the_root(platform):
    page = requests.get(f"{platform['base']}/", timeout=10)
    assert page.status_code == 200
    assert "Connexion" in page.text or "connexion" in page.text
