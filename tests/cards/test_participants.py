"""Participants (C7) and the CSV import (X5) over real PostgreSQL."""
from __future__ import annotations

import io

import pytest

from tests.cards.helpers import participant_form, session_form

pytestmark = pytest.mark.integration


@pytest.fixture
def session_path(client, trainer):
    response = client.post("/sessions", json=session_form(), headers=trainer["headers"])
    return f"/sessions/{response.json['id']}"


def names(client, path, headers):
    items = client.get(path + "/participants", headers=headers).json["items"]
    return [(p["first_name"], p["last_name"]) for p in items]


def upload(client, path, headers, content: bytes, filename="participants.csv"):
    return client.post(path + "/participants/import", data={"file": (io.BytesIO(content), filename)},
                       headers=headers, content_type="multipart/form-data")


def test_add_edit_delete_a_participant(client, trainer, session_path):
    headers = trainer["headers"]
    created = client.post(session_path + "/participants", json=participant_form(), headers=headers)
    assert created.status_code == 201
    body = created.json
    assert body["phone"] == "514-555-0199" and body["phone_ext"] == "12" and body["title"] == "mme"
    pid = body["id"]
    edited = client.patch(f"{session_path}/participants/{pid}", json={"phone": "4185550100", "phone_ext": None},
                          headers=headers)
    assert edited.status_code == 200 and edited.json["phone"] == "418-555-0100" and edited.json["phone_ext"] is None
    assert client.get(session_path, headers=headers).json["participant_count"] == 1
    assert client.delete(f"{session_path}/participants/{pid}", headers=headers).status_code == 204
    assert client.get(session_path, headers=headers).json["participant_count"] == 0
    assert client.get(f"{session_path}/participants/{pid}", headers=headers).status_code == 404


def test_same_person_twice_is_a_409_whatever_the_accents_and_case(client, trainer, session_path):
    headers = trainer["headers"]
    assert client.post(session_path + "/participants", json=participant_form(), headers=headers).status_code == 201
    twin = participant_form(first_name="JOSEE", last_name="tremblay")
    response = client.post(session_path + "/participants", json=twin, headers=headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "duplicate_participant"
    other_birthday = participant_form(first_name="JOSEE", last_name="tremblay", birth_date="1986-04-12")
    assert client.post(session_path + "/participants", json=other_birthday, headers=headers).status_code == 201
    renamed = client.get(session_path + "/participants", headers=headers).json["items"][1]["id"]
    clash = client.patch(f"{session_path}/participants/{renamed}", json={"birth_date": "1985-04-12"}, headers=headers)
    assert clash.status_code == 409
    assert len(names(client, session_path, headers)) == 2


@pytest.mark.parametrize("overrides, field", [
    ({"title": "Dr"}, "title"), ({"title": None}, "title"), ({"first_name": ""}, "first_name"),
    ({"last_name": "x" * 101}, "last_name"), ({"birth_date": "1985-13-01"}, "birth_date"),
    ({"birth_date": "2020-01-01"}, "birth_date"), ({"birth_date": "1900-01-01"}, "birth_date"),
    ({"phone": "555-0199"}, "phone"), ({"phone": 5145550199}, "phone"), ({"phone_ext": "12a"}, "phone_ext"),
    ({"shoe_size": 42}, "shoe_size"),
])
def test_bad_participant_input_gives_422_with_the_field(client, trainer, session_path, overrides, field):
    response = client.post(session_path + "/participants", json=participant_form(**overrides),
                           headers=trainer["headers"])
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert names(client, session_path, trainer["headers"]) == []


def test_missing_fields_are_all_reported(client, trainer, session_path):
    response = client.post(session_path + "/participants", json={}, headers=trainer["headers"])
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"title", "first_name", "last_name", "birth_date", "phone"}


GOOD_FRENCH = ("Titre;Prénom;Nom;Date de naissance;Téléphone;Poste\r\n"
               "Mme;Josée;Éthier;1985-04-12;514 555-0101;12\r\n"
               "M.;René;Côté;12/03/1979;(418) 555-0102;\r\n")
GOOD_ENGLISH = "Title,First name,Last name,Birth date,Phone,Extension\nMs.,Anne,Roy,1990-01-01,819-555-0103,\n"


@pytest.mark.parametrize("content", [GOOD_FRENCH.encode("utf-8"), GOOD_FRENCH.encode("cp1252"),
                                     GOOD_ENGLISH.encode("utf-8-sig")])
def test_import_good_files(client, trainer, session_path, content):
    response = upload(client, session_path, trainer["headers"], content)
    assert response.status_code == 201, response.json
    assert response.json["errors"] == []
    listed = names(client, session_path, trainer["headers"])
    assert response.json["created"] == len(listed) > 0
    if "Éthier" in GOOD_FRENCH and content.startswith(b"Titre"):
        assert ("Josée", "Éthier") in listed and ("René", "Côté") in listed


def test_import_is_all_or_nothing_with_every_bad_line_reported(client, trainer, session_path):
    headers = trainer["headers"]
    assert client.post(session_path + "/participants", json=participant_form(first_name="Anne", last_name="Roy",
                                                                              birth_date="1990-01-01"),
                       headers=headers).status_code == 201
    content = ("titre;prenom;nom;naissance;telephone\n"
               "Mme;Josée;Éthier;1985-04-12;5145550101\n"
               "Dr;;Roy;1985-02-31;123\n"
               "Mme;ANNE;roy;1990-01-01;5145550102\n"
               "Mme;Josée;Ethier;1985-04-12;5145550101\n").encode()
    response = upload(client, session_path, headers, content)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["created"] == 0
    by_line = {item["line"]: item["fields"] for item in error["errors"]}
    assert set(by_line) == {3, 4, 5}
    assert set(by_line[3]) == {"title", "first_name", "birth_date", "phone"}
    assert "_person" in by_line[4] and "_person" in by_line[5]  # already in the session / twice in the file
    assert names(client, session_path, headers) == [("Anne", "Roy")]


@pytest.mark.parametrize("content, status", [(b"", 422), (b"nom;prenom\nRoy;Anne\n", 422),
                                              (b"x" * (600 * 1024), 413)])
def test_import_unreadable_files(client, trainer, session_path, content, status):
    response = upload(client, session_path, trainer["headers"], content)
    assert response.status_code == status
    assert names(client, session_path, trainer["headers"]) == []


def test_import_needs_a_multipart_file(client, trainer, session_path):
    assert client.post(session_path + "/participants/import", json={"file": "x"},
                       headers=trainer["headers"]).status_code == 415
    missing = client.post(session_path + "/participants/import", data={"other": "x"}, headers=trainer["headers"],
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["error"]["fields"]
    upload = {"file": (io.BytesIO(GOOD_ENGLISH.encode()), "a.csv")}
    assert client.post(session_path + "/participants/import", data=upload,
                       content_type="multipart/form-data").status_code == 401
