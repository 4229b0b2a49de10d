"""Reference lists: shipped by a data migration, kept by staff; a retired entry stays valid where used."""
from __future__ import annotations

import pytest

from tests.cards.helpers import session_form

pytestmark = pytest.mark.integration


def test_shipped_french_lists(client, trainer):
    body = client.get("/reference", headers=trainer["headers"]).json
    types = {t["code"]: t for t in body["organization_types"]}
    assert types["maison_enseignement"]["label"] == "Maison d'enseignement accréditée"
    assert types["maison_enseignement"]["requires_institution"] is True
    assert any(a["label"].startswith("PDSB — Principes pour le déplacement sécuritaire") for a in body["activities"])
    assert {t["label"] for t in body["titles"]} >= {"Mme", "M."}
    assert len(body["institutions"]) >= 10 and all({"id", "name"} <= set(i) for i in body["institutions"])


def test_reference_needs_a_token(client):
    assert client.get("/reference").status_code == 401


def test_staff_add_and_retire_entries(client, trainer, staff):
    added = client.post("/reference/activities", json={"code": "deplacement_domicile_x", "label": "Déplacement X",
                                                       "label_en": "Moving X"}, headers=staff["headers"])
    assert added.status_code == 201 and added.json["active"] is True
    duplicate = client.post("/reference/activities", json={"code": "deplacement_domicile_x", "label": "Y"},
                            headers=staff["headers"])
    assert duplicate.status_code == 409
    session = client.post("/sessions", json=session_form(activity_code="deplacement_domicile_x"),
                          headers=trainer["headers"]).json
    retired = client.patch("/reference/activities/deplacement_domicile_x", json={"active": False},
                           headers=staff["headers"])
    assert retired.status_code == 200 and retired.json["active"] is False
    codes = [a["code"] for a in client.get("/reference", headers=trainer["headers"]).json["activities"]]
    assert "deplacement_domicile_x" not in codes
    with_retired = client.get("/reference?include_retired=true", headers=staff["headers"]).json["activities"]
    assert "deplacement_domicile_x" in [a["code"] for a in with_retired]
    # a retired entry stays valid on the session that already uses it, not on a new one
    kept = client.patch(f"/sessions/{session['id']}", json={"activity_code": "deplacement_domicile_x",
                                                              "location": "Ailleurs"}, headers=trainer["headers"])
    assert kept.status_code == 200 and kept.json["activity_label"] == "Déplacement X"
    refused = client.post("/sessions", json=session_form(activity_code="deplacement_domicile_x"),
                          headers=trainer["headers"])
    assert refused.status_code == 422 and "activity_code" in refused.json["error"]["fields"]


def test_staff_add_an_institution(client, staff, trainer):
    added = client.post("/reference/institutions", json={"name": "Cégep de Test-Ville"}, headers=staff["headers"])
    assert added.status_code == 201
    institution_id = added.json["id"]
    session = client.post("/sessions", json=session_form(organization_type="maison_enseignement",
                                                         organization_name=None, institution_id=institution_id),
                          headers=trainer["headers"])
    assert session.status_code == 201 and session.json["organization_name"] == "Cégep de Test-Ville"
    retired = client.patch(f"/reference/institutions/{institution_id}", json={"active": False},
                           headers=staff["headers"])
    assert retired.status_code == 200 and retired.json == {"id": institution_id, "name": "Cégep de Test-Ville",
                                                           "active": False}
    taken = client.patch(f"/reference/institutions/{institution_id}", json={"name": "Cégep de Sherbrooke"},
                         headers=staff["headers"])
    assert taken.status_code == 409


@pytest.mark.parametrize("path, body, field", [
    ("/reference/activities", {"label": "Sans code"}, "code"),
    ("/reference/activities", {"code": "Avec Espaces", "label": "X"}, "code"),
    ("/reference/institutions", {"code": "x", "name": "Y"}, "code"),
    ("/reference/titles", {"code": "dr", "label": "x" * 201}, "label"),
    ("/reference/titles", {"code": "dr", "label": "Dr", "colour": "blue"}, "colour"),
])
def test_bad_reference_input(client, staff, path, body, field):
    response = client.post(path, json=body, headers=staff["headers"])
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_reference_upkeep_is_for_staff_only(client, trainer, staff):
    assert client.post("/reference/titles", json={"code": "dr", "label": "Dr"},
                       headers=trainer["headers"]).status_code == 403
    assert client.patch("/reference/titles/mme", json={"active": False}, headers=trainer["headers"]).status_code == 403
    planets = client.post("/reference/planets", json={"code": "x", "label": "X"}, headers=staff["headers"])
    assert planets.status_code == 404
    assert client.patch("/reference/titles/nope", json={"active": False}, headers=staff["headers"]).status_code == 404
    for key in ("abc", "99999999999999999999"):
        assert client.patch(f"/reference/institutions/{key}", json={"active": False},
                            headers=staff["headers"]).status_code == 404
