"""README's first command, run as a newcomer would: it serves, and an account works end to end."""

import psutil
import pytest
import requests

from tests import readme_start
from tests.readme_start import readme_platform


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with readme_platform(tmp_path_factory.mktemp("embedded"), "Demo-password-1234") as started:
        yield {"base": started.base, "log": started.log, "data_dir": started.data_dir}


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


def test_a_start_that_fails_leaves_no_platform_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(readme_start, "START_SECONDS", 0.5)  # gives up before the platform answers
    with pytest.raises(pytest.fail.Exception, match="did not start"):
        with readme_platform(tmp_path, "Demo-password-1234"):
            pass
    left = []
    for process in psutil.process_iter(["pid"]):
        try:
            if process.environ().get("GUICHET_DATA_DIR") == str(tmp_path):
                left.append(process.info["pid"])
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    assert left == []
