"""Production houses (P4, X8): creation by staff, visibility, administrators and the warning."""
import pytest

pytestmark = pytest.mark.integration


def test_staff_create_a_house_whose_delegates_are_administrators(env):
    lea, marc = env.register("Léa", "Tremblay"), env.register("Marc", "Gagnon")
    house = env.house(lea, marc, name="Productions Éole")
    assert house["status"] == "active" and house["extra_admin_count"] == 0
    assert {(a["id"], a["delegate"], a["email"]) for a in house["admins"]} == {
        (lea.id, True, lea.email), (marc.id, True, marc.email)}
    created = [e for e in env.events("productions.house_created") if e["house_id"] == house["id"]]
    assert created == [{"house_id": house["id"], "name": "Productions Éole", "status": "active",
                        "delegate_ids": [lea.id, marc.id], "actor_id": created[0]["actor_id"]}]
    added = [e for e in env.events("productions.house_admin_added") if e["house_id"] == house["id"]]
    assert sorted(e["user_id"] for e in added) == sorted([lea.id, marc.id])
    assert all(e["delegate"] and e["house_name"] == "Productions Éole" for e in added)


def test_house_names_are_unique_whatever_the_case_and_accents(env):
    env.house(name="Films Québécois")
    response = env.client.post("/houses", headers=env.staff(), json={"name": "  films QUEBECOIS ", "delegate_ids": []})
    assert response.status_code == 409 and response.json["error"]["fields"]["name"]


@pytest.mark.parametrize("body, field", [
    ({"status": "active", "delegate_ids": []}, "name"),
    ({"name": "   ", "delegate_ids": []}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "Ok", "status": "closed"}, "status"),
    ({"name": "Ok", "delegate_ids": "abc"}, "delegate_ids"),
    ({"name": "Ok", "delegate_ids": ["same", "same"]}, "delegate_ids"),
    ({"name": "Ok", "owner": "me"}, "owner"),
])
def test_bad_house_bodies_are_422_with_the_field(env, body, field):
    response = env.client.post("/houses", headers=env.staff(), json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_delegates_must_be_registered_aqpm_users(env):
    trainer = env.register("Tom", "Formateur", roles=("trainer",))
    response = env.client.post("/houses", headers=env.staff(), json={
        "name": "Maison des inconnus", "delegate_ids": ["no-such-user", trainer.id]})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]["delegate_ids"]) == {"0", "1"}
    assert env.client.get("/houses?q=inconnus", headers=env.staff()).json["total"] == 0


def test_only_staff_create_houses_and_a_token_is_required(env):
    member = env.register("Nadia", "Roy")
    assert env.client.post("/houses", json={"name": "Sans jeton"}).status_code == 401
    response = env.client.post("/houses", headers=env.headers(member), json={"name": "Par un membre"})
    assert response.status_code == 403
    trainer_token = env.tokens.headers(member.id, ["trainer"])
    assert env.client.get("/houses", headers=trainer_token).status_code == 403
    assert env.client.post("/houses", headers=env.staff(), data="name=x").status_code == 415


def test_a_member_sees_only_the_houses_they_administer(env):
    alice, bob = env.register("Alice", "Aubin"), env.register("Bob", "Bédard")
    house_a, house_b = env.house(alice), env.house(bob)
    listing = env.client.get("/houses", headers=env.headers(alice)).json
    assert [h["id"] for h in listing["items"]] == [house_a["id"]] and listing["total"] == 1
    assert env.client.get(f"/houses/{house_b['id']}", headers=env.headers(alice)).status_code == 404
    assert env.client.get(f"/houses/{house_a['id']}", headers=env.headers(alice)).status_code == 200
    staff_list = env.client.get("/houses?limit=200", headers=env.staff()).json
    assert {house_a["id"], house_b["id"]} <= {h["id"] for h in staff_list["items"]}
    page = env.client.get("/houses?limit=1&offset=1", headers=env.staff()).json
    assert len(page["items"]) == 1 and page["total"] == staff_list["total"]
    assert env.client.get("/houses?limit=0", headers=env.staff()).status_code == 422


def test_administrators_rename_but_only_staff_change_the_status(env):
    admin = env.register("Chloé", "Côté")
    house = env.house(admin)
    url = f"/houses/{house['id']}"
    renamed = env.client.patch(url, headers=env.headers(admin), json={"name": "Nouveau nom Côté"})
    assert renamed.status_code == 200 and renamed.json["name"] == "Nouveau nom Côté"
    assert env.client.patch(url, headers=env.headers(admin), json={"status": "inactive"}).status_code == 403
    assert env.client.patch(url, headers=env.headers(admin), json={}).status_code == 422
    inactive = env.client.patch(url, headers=env.staff(), json={"status": "inactive"})
    assert inactive.status_code == 200 and inactive.json["status"] == "inactive"
    stranger = env.register("Zoé", "Ailleurs")
    assert env.client.patch(url, headers=env.headers(stranger), json={"name": "Volée"}).status_code == 404


def test_administrators_add_others_and_get_a_warning_past_four_extras(env):
    delegate = env.register("Denis", "Délégué")
    house = env.house(delegate)
    url = f"/houses/{house['id']}/admins"
    extras = [env.register(f"Extra{i}", "Admin") for i in range(5)]
    for extra in extras[:4]:
        response = env.client.post(url, headers=env.headers(delegate), json={"user_id": extra.id})
        assert response.status_code == 201 and response.json["warning"] is None
    fifth = env.client.post(url, headers=env.headers(delegate), json={"user_id": extras[4].id})
    assert fifth.status_code == 201 and "3 ou 4" in fifth.json["warning"]
    assert fifth.json["extra_admin_count"] == 5
    again = env.client.post(url, headers=env.headers(delegate), json={"user_id": extras[4].id})
    assert again.status_code == 200 and again.json["extra_admin_count"] == 5
    added = [e for e in env.events("productions.house_admin_added") if e["house_id"] == house["id"]]
    assert [e["user_id"] for e in added if not e["delegate"]] == [x.id for x in extras]
    assert added[-1]["actor_id"] == delegate.id and added[-1]["extra_admin_count"] == 5
    # the new administrator now sees the house and may add someone too
    assert env.client.get(f"/houses/{house['id']}", headers=env.headers(extras[0])).status_code == 200


def test_adding_an_unknown_or_unregistered_person_is_422(env):
    delegate = env.register("Eve", "Éditrice")
    house = env.house(delegate)
    url = f"/houses/{house['id']}/admins"
    for body in ({"user_id": "nobody"}, {}, {"user_id": ""}, {"user_id": 42}, {"user_id": "x", "role": "boss"}):
        response = env.client.post(url, headers=env.headers(delegate), json=body)
        assert response.status_code == 422, body
    trainer = env.register("Théo", "Moniteur", roles=("trainer",))
    assert env.client.post(url, headers=env.headers(delegate), json={"user_id": trainer.id}).status_code == 422
    malformed = env.client.post(url, headers=env.headers(delegate), data="{", content_type="application/json")
    assert malformed.status_code == 400


def test_admin_of_house_a_cannot_touch_house_b(env):
    admin_a, admin_b = env.register("Anne", "Amyot"), env.register("Benoît", "Boily")
    newcomer = env.register("Nico", "Neuf")
    env.house(admin_a)
    house_b = env.house(admin_b)
    url = f"/houses/{house_b['id']}/admins"
    assert env.client.post(url, headers=env.headers(admin_a), json={"user_id": newcomer.id}).status_code == 404
    assert env.client.delete(f"{url}/{admin_b.id}", headers=env.headers(admin_a)).status_code == 404
    assert env.client.post(url, json={"user_id": newcomer.id}).status_code == 401


def test_only_staff_remove_delegates_or_name_them(env):
    delegate, extra = env.register("Gina", "Gauthier"), env.register("Hugo", "Hébert")
    house = env.house(delegate)
    url = f"/houses/{house['id']}/admins"
    naming = env.client.post(url, headers=env.headers(delegate), json={"user_id": extra.id, "delegate": True})
    assert naming.status_code == 403
    assert env.client.post(url, headers=env.headers(delegate), json={"user_id": extra.id}).status_code == 201
    assert env.client.delete(f"{url}/{delegate.id}", headers=env.headers(extra)).status_code == 403
    removed = env.client.delete(f"{url}/{extra.id}", headers=env.headers(delegate))
    assert removed.status_code == 200 and [a["id"] for a in removed.json["admins"]] == [delegate.id]
    assert env.client.delete(f"{url}/{extra.id}", headers=env.headers(delegate)).status_code == 404
    by_staff = env.client.delete(f"{url}/{delegate.id}", headers=env.staff())
    assert by_staff.status_code == 200 and by_staff.json["admins"] == []
    removals = [e for e in env.events("productions.house_admin_removed") if e["house_id"] == house["id"]]
    assert [(e["user_id"], e["delegate"]) for e in removals] == [(extra.id, False), (delegate.id, True)]
    assert env.client.get(f"/houses/{house['id']}", headers=env.headers(delegate)).status_code == 404


def test_type_ahead_finds_registered_members_for_house_administrators(env):
    admin = env.register("Rémi", "Recherche")
    env.house(admin)
    target = env.register("Élodie", "Dufresne-Ouellet")
    env.register("Élodie", "Formatrice", roles=("trainer",))
    found = env.client.get("/users?q=elodie", headers=env.headers(admin))
    assert found.status_code == 200
    assert [u["id"] for u in found.json["items"]] == [target.id]
    assert set(found.json["items"][0]) == {"id", "first_name", "last_name", "email"}
    assert env.client.get("/users?q=dufresne elodie", headers=env.headers(admin)).json["total"] == 1
    assert env.client.get("/users?q=e", headers=env.headers(admin)).status_code == 422
    assert env.client.get("/users", headers=env.headers(admin)).status_code == 422
    nobody = env.register("Sans", "Maison")
    assert env.client.get("/users?q=elodie", headers=env.headers(nobody)).status_code == 403
    assert env.client.get("/users?q=elodie").status_code == 401
