"""Producers and production sheets (P3, P5): who creates, who sees, what is validated."""
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def world(env):
    """House A (admin Alice, with a producer), house B (admin Bob), and Carl who has nothing."""
    alice, bob = env.register("Alice", "Arsenault"), env.register("Bob", "Bouchard")
    carl = env.register("Carl", "Caron")
    house_a, house_b = env.house(alice), env.house(bob)
    producer = env.client.post("/producers", headers=env.headers(alice), json={
        "name": "Pierre Producteur", "house_ids": [house_a["id"]], "email": "pierre@example.test"})
    assert producer.status_code == 201
    return {"alice": alice, "bob": bob, "carl": carl, "a": house_a, "b": house_b, "producer": producer.json}


def test_producers_are_linked_to_houses_and_seen_by_their_administrators(env, world):
    alice, bob = world["alice"], world["bob"]
    assert world["producer"]["house_ids"] == [world["a"]["id"]]
    assert [p["id"] for p in env.client.get("/producers", headers=env.headers(alice)).json["items"]] == [
        world["producer"]["id"]]
    assert env.client.get("/producers", headers=env.headers(bob)).json == {"items": [], "total": 0}
    assert env.client.get(f"/producers/{world['producer']['id']}", headers=env.headers(bob)).status_code == 404
    found = env.client.get("/producers?q=PRODUCTEUR", headers=env.staff()).json
    assert world["producer"]["id"] in [p["id"] for p in found["items"]]
    into_b = env.client.post("/producers", headers=env.headers(alice),
                             json={"name": "X", "house_ids": [world["b"]["id"]]})
    assert into_b.status_code == 422 and "house_ids" in into_b.json["error"]["fields"]
    for body in ({"name": "X", "house_ids": []}, {"house_ids": [world["a"]["id"]]},
                 {"name": "X", "house_ids": [world["a"]["id"]], "email": "pas-un-courriel"},
                 {"name": "X", "house_ids": [world["a"]["id"]], "phone": "abc"}):
        assert env.client.post("/producers", headers=env.headers(alice), json=body).status_code == 422, body


def test_an_administrator_creates_a_full_sheet_and_an_event_is_recorded(env, world):
    alice = world["alice"]
    sheet = env.sheet(alice, world["a"]["id"], title="  La grande   traversée ", producer_id=world["producer"]["id"],
                      production_type="feature_film", shooting_start="2025-06-01", shooting_end="2025-07-15",
                      location="Montréal", union_agreements=["AQTIS 514 IATSE", "UDA"], description="Drame.")
    assert sheet["title"] == "La grande traversée" and sheet["producer"]["name"] == "Pierre Producteur"
    assert sheet["house"] == {"id": world["a"]["id"], "name": world["a"]["name"], "status": "active"}
    assert sheet["permissions"] == {"can_manage": True, "can_go_to_set": True}
    assert sheet["shooting_end"] == "2025-07-15" and sheet["union_agreements"] == ["AQTIS 514 IATSE", "UDA"]
    events = [e for e in env.events("productions.sheet_created") if e["sheet_id"] == sheet["id"]]
    assert events == [{"sheet_id": sheet["id"], "house_id": world["a"]["id"], "house_name": world["a"]["name"],
                       "title": "La grande traversée", "production_type": "feature_film",
                       "shooting_start": "2025-06-01", "shooting_end": "2025-07-15", "actor_id": alice.id}]
    minimal = env.sheet(alice, world["a"]["id"], title="Minimal")
    assert minimal["producer"] is None and minimal["union_agreements"] == [] and minimal["location"] is None


@pytest.mark.parametrize("fields, bad", [
    ({"title": ""}, "title"),
    ({"title": "t" * 201}, "title"),
    ({"production_type": "opera"}, "production_type"),
    ({"shooting_start": "2025-13-01"}, "shooting_start"),
    ({"shooting_start": "2025-05-02", "shooting_end": "2025-05-01"}, "shooting_end"),
    ({"location": "l" * 201}, "location"),
    ({"union_agreements": ["A"] * 11}, "union_agreements"),
    ({"description": "d" * 5001}, "description"),
    ({"budget": "1000000"}, "budget"),
    ({"producer_id": "unknown-producer"}, "producer_id"),
])
def test_bad_sheets_are_422_and_nothing_is_written(env, world, fields, bad):
    before = env.client.get("/sheets?limit=200", headers=env.staff()).json["total"]
    body = {"house_id": world["a"]["id"], "title": "Titre", **fields}
    response = env.client.post("/sheets", headers=env.headers(world["alice"]), json=body)
    assert response.status_code == 422 and bad in response.json["error"]["fields"]
    assert env.client.get("/sheets?limit=200", headers=env.staff()).json["total"] == before


def test_an_administrator_of_house_b_cannot_create_for_house_a(env, world):
    for who in (world["bob"], world["carl"]):
        response = env.client.post("/sheets", headers=env.headers(who),
                                   json={"house_id": world["a"]["id"], "title": "T"})
        assert response.status_code == 422 and "house_id" in response.json["error"]["fields"]
    # and a producer of house A is not a producer of house B
    response = env.client.post("/sheets", headers=env.headers(world["bob"]), json={
        "house_id": world["b"]["id"], "title": "T", "producer_id": world["producer"]["id"]})
    assert response.status_code == 422 and "producer_id" in response.json["error"]["fields"]
    assert env.client.post("/sheets", json={"house_id": world["a"]["id"], "title": "T"}).status_code == 401


def test_an_inactive_house_cannot_create_sheets(env):
    admin = env.register("Iris", "Inactive")
    house = env.house(admin, status="inactive")
    response = env.client.post("/sheets", headers=env.headers(admin), json={"house_id": house["id"], "title": "T"})
    assert response.status_code == 409


def test_who_sees_and_who_modifies_a_sheet(env, world):
    alice, bob, carl = world["alice"], world["bob"], world["carl"]
    sheet = env.sheet(alice, world["a"]["id"], title="Série X", shooting_start="2025-01-10")
    url = f"/sheets/{sheet['id']}"
    assert env.client.get(url, headers=env.headers(bob)).status_code == 404
    assert env.client.patch(url, headers=env.headers(bob), json={"title": "Volé"}).status_code == 404
    bobs = env.client.get("/sheets?limit=200", headers=env.headers(bob)).json["items"]
    assert sheet["id"] not in [s["id"] for s in bobs]
    grant = env.client.post(f"{url}/access", headers=env.headers(alice), json={"user_id": carl.id})
    assert grant.status_code == 201
    seen = env.client.get(url, headers=env.headers(carl))
    assert seen.status_code == 200 and seen.json["permissions"] == {"can_manage": False, "can_go_to_set": True}
    assert [s["id"] for s in env.client.get("/sheets", headers=env.headers(carl)).json["items"]] == [sheet["id"]]
    assert env.client.patch(url, headers=env.headers(carl), json={"title": "Par Carl"}).status_code == 403
    assert env.client.get(url, headers=env.staff()).json["permissions"] == {"can_manage": True, "can_go_to_set": False}

    before_end = env.client.patch(url, headers=env.headers(alice), json={"shooting_end": "2025-01-09"})
    assert before_end.status_code == 422 and "shooting_end" in before_end.json["error"]["fields"]
    assert env.client.patch(url, headers=env.headers(alice), json={"house_id": world["b"]["id"]}).status_code == 422
    assert env.client.patch(url, headers=env.headers(alice), json={"title": None}).status_code == 422
    changed = env.client.patch(url, headers=env.headers(alice), json={"title": "Série X, saison 2",
                                                                       "location": "Québec", "shooting_start": None})
    assert changed.status_code == 200
    assert changed.json["title"] == "Série X, saison 2" and changed.json["shooting_start"] is None
    updates = [e for e in env.events("productions.sheet_updated") if e["sheet_id"] == sheet["id"]]
    assert [u["changed"] for u in updates] == [["location", "shooting_start", "title"]]
    unchanged = env.client.patch(url, headers=env.headers(alice), json={"location": "Québec"})
    assert unchanged.status_code == 200
    assert len([e for e in env.events("productions.sheet_updated") if e["sheet_id"] == sheet["id"]]) == 1



def test_a_blank_description_is_cleared_not_a_server_error(env, world):
    """Found by schemathesis: whitespace-only text became None and then met its length validator."""
    alice = world["alice"]
    sheet = env.sheet(alice, world["a"]["id"], title="Description vide", description="Une histoire")
    response = env.client.patch(f"/sheets/{sheet['id']}", json={"description": "   "}, headers=env.headers(alice))
    assert response.status_code == 200
    assert response.json["description"] is None
