"""Auth answers in the caller's language: French without Accept-Language, English when asked, for the
error's message, its field messages and the messages of a success, and says which in Content-Language."""
from tests.auth.conftest import PASSWORD, login, register, unique_email

ENGLISH = {"Accept-Language": "en-CA,en;q=0.8,fr;q=0.5"}


def _registration(client, headers=None):
    """A registration without a last name, with a guessable password and a confirmation that differs."""
    email = unique_email("langue")
    return client.post("/register", headers=headers or {}, json={
        "first_name": "Marie", "email": email, "email_confirmation": "autre." + email,
        "password": "1234567890", "password_confirmation": "1234567890"})


def test_a_refused_registration_is_french_without_accept_language(client):
    response = _registration(client)
    assert response.status_code == 422 and response.headers["Content-Language"] == "fr"
    error = response.get_json()["error"]
    assert error["message"] == "Certains champs sont invalides."
    assert error["fields"]["last_name"] == ["Champ obligatoire."]
    assert error["fields"]["email_confirmation"] == ["Les adresses courriel ne correspondent pas."]
    [weak] = error["fields"]["password"]
    assert weak.startswith("Ce mot de passe est trop facile à deviner")


def test_a_refused_registration_is_english_when_asked(client):
    response = _registration(client, ENGLISH)
    assert response.status_code == 422 and response.headers["Content-Language"] == "en"
    error = response.get_json()["error"]
    assert error["message"] == "Some fields are invalid."
    assert error["fields"]["last_name"] == ["Required field."]
    assert error["fields"]["email_confirmation"] == ["The email addresses do not match."]
    [weak] = error["fields"]["password"]
    assert weak.startswith("This password is too easy to guess")
    assert weak.endswith("or pick a phrase only you know.")


def test_a_short_password_gets_the_length_rule_in_the_callers_language(client):
    email = unique_email("court")
    body = {"first_name": "Marie", "last_name": "Tremblay", "email": email, "email_confirmation": email,
            "password": "Ab3$", "password_confirmation": "Ab3$"}
    french = client.post("/register", json=body).get_json()["error"]["fields"]["password"]
    english = client.post("/register", headers=ENGLISH, json=body).get_json()["error"]["fields"]["password"]
    assert (french, english) == (["Entre 10 et 128 caractères."], ["Between 10 and 128 characters."])


def test_a_failed_login_says_why_in_the_callers_language(client):
    member = register(client)
    french = login(client, member["email"], PASSWORD + "x")
    assert french.status_code == 401 and french.headers["Content-Language"] == "fr"
    assert french.get_json()["error"]["message"] == "Identifiant ou mot de passe invalide."
    english = client.post("/login", headers={"Accept-Language": "en"},
                          json={"login": member["email"], "password": PASSWORD + "x"})
    assert english.status_code == 401 and english.headers["Content-Language"] == "en"
    assert english.get_json()["error"]["message"] == "Invalid login or password."


def test_the_forgotten_password_answer_is_in_the_callers_language(client):
    email = unique_email("oubli")
    french = client.post("/password/forgot", json={"email": email})
    assert french.headers["Content-Language"] == "fr"
    assert french.get_json()["message"].startswith("Si un compte correspond, un courriel")
    english = client.post("/password/forgot", headers=ENGLISH, json={"email": email})
    assert english.headers["Content-Language"] == "en"
    assert english.get_json()["message"] == "If an account matches, an email with a temporary password has been sent."
