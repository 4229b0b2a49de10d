"""Productions answers in the caller's language: French without Accept-Language, English when asked,
for the error's message and its field messages, and says which in Content-Language."""
import uuid

import pytest

from chassis.i18n import Catalogue, _, speaking
from services.productions.domain.admins import extra_admins_warning
from services.productions.domain.sheets import PRODUCTION_TYPES

pytestmark = pytest.mark.integration

ENGLISH = {"Accept-Language": "en-CA,en;q=0.8"}


def test_a_404_is_french_by_default_and_english_when_asked(env):
    url = f"/producers/{uuid.uuid4()}"
    french = env.client.get(url, headers=env.staff())
    assert french.status_code == 404 and french.headers["Content-Language"] == "fr"
    assert french.json["error"] == {"code": "not_found", "message": "Producteur introuvable."}
    english = env.client.get(url, headers={**env.staff(), **ENGLISH})
    assert english.status_code == 404 and english.headers["Content-Language"] == "en"
    assert english.json["error"] == {"code": "not_found", "message": "Producer not found."}


def test_a_422_says_its_message_and_field_messages_in_the_callers_language(env):
    body = {"house_ids": [], "phone": "not a phone"}
    french = env.client.post("/producers", headers=env.staff(), json=body)
    assert french.status_code == 422 and french.headers["Content-Language"] == "fr"
    error = french.json["error"]
    assert error["message"] == "Certains champs sont invalides."
    assert error["fields"]["name"] == ["Champ obligatoire."]
    assert error["fields"]["phone"] == ["Numéro de téléphone invalide."]

    english = env.client.post("/producers", headers={**env.staff(), **ENGLISH}, json=body)
    assert english.status_code == 422 and english.headers["Content-Language"] == "en"
    error = english.json["error"]
    assert error["message"] == "Some fields are invalid."
    assert error["fields"]["name"] == ["Required field."]
    assert error["fields"]["phone"] == ["Invalid phone number."]


def test_an_unsupported_language_gets_french(env):
    response = env.client.get(f"/producers/{uuid.uuid4()}", headers={**env.staff(), "Accept-Language": "de"})
    assert response.headers["Content-Language"] == "fr"
    assert response.json["error"]["message"] == "Producteur introuvable."


def test_the_extra_administrators_warning_and_production_types_have_their_english():
    flags = [True, True] + [False] * 5
    assert extra_admins_warning(flags) == ("L'AQPM recommande de ne pas ajouter plus de 3 ou 4 administrateurs "
                                           "additionnels (5 actuellement).")
    with speaking("en", Catalogue.of_service("productions")):
        assert extra_admins_warning(flags) == "AQPM recommends no more than 3 or 4 additional administrators (5 now)."
        assert [_(label) for label in PRODUCTION_TYPES.values()][:2] == ["Feature film", "Short film"]
