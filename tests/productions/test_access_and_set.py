"""SET access (P6) and the hand-off (P7): grants, the 403 matrix, the token and its single use, audit (X4)."""
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.productions.db.models import KnownUser, Sheet
from services.productions.operations.handoffs import issue

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def world(env):
    admin, granted, other, admin_b = (env.register("Ariane", "Admin"), env.register("Gabriel", "Granted"),
                                      env.register("Olivier", "Other"), env.register("Béa", "Bee"))
    house = env.house(admin, name="Maison du SET")
    env.house(admin_b)
    sheet = env.sheet(admin, house["id"], title="Tournage Nord")
    response = env.client.post(f"/sheets/{sheet['id']}/access", headers=env.headers(admin),
                               json={"user_id": granted.id})
    assert response.status_code == 201
    return {"admin": admin, "granted": granted, "other": other, "admin_b": admin_b, "house": house, "sheet": sheet}


def _go_to_set(env, world, person):
    return env.client.post(f"/sheets/{world['sheet']['id']}/set-access", headers=env.headers(person))


def _token_of(response) -> str:
    return parse_qs(urlsplit(response.json["redirect_url"]).query)["token"][0]


def test_granting_is_idempotent_and_revoking_is_recorded(env, world):
    admin, sheet = world["admin"], world["sheet"]
    newcomer = env.register("Nina", "Nouvelle")
    url = f"/sheets/{sheet['id']}/access"
    first = env.client.post(url, headers=env.headers(admin), json={"user_id": newcomer.id})
    second = env.client.post(url, headers=env.headers(admin), json={"user_id": newcomer.id})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["email"] == newcomer.email and second.json["granted_at"] == first.json["granted_at"]
    granted = [e for e in env.events("productions.access_granted") if e["user_id"] == newcomer.id]
    assert granted == [{"sheet_id": sheet["id"], "sheet_title": "Tournage Nord", "house_id": world["house"]["id"],
                        "house_name": "Maison du SET", "user_id": newcomer.id, "actor_id": admin.id}]
    listing = env.client.get(url, headers=env.headers(admin)).json
    assert {item["user_id"] for item in listing["items"]} == {world["granted"].id, newcomer.id}
    assert listing["total"] == 2
    assert env.client.delete(f"{url}/{newcomer.id}", headers=env.headers(admin)).status_code == 204
    assert env.client.delete(f"{url}/{newcomer.id}", headers=env.headers(admin)).status_code == 404
    assert [e["user_id"] for e in env.events("productions.access_revoked")] == [newcomer.id]
    assert env.client.get(f"/sheets/{sheet['id']}", headers=env.headers(newcomer)).status_code == 404


def test_access_management_is_for_the_house_administrators(env, world):
    url = f"/sheets/{world['sheet']['id']}/access"
    body = {"user_id": world["other"].id}
    assert env.client.post(url, headers=env.headers(world["granted"]), json=body).status_code == 403
    assert env.client.get(url, headers=env.headers(world["granted"])).status_code == 403
    assert env.client.post(url, headers=env.headers(world["admin_b"]), json=body).status_code == 404
    assert env.client.post(url, json=body).status_code == 401
    assert env.client.post(url, headers=env.headers(world["admin"]), json={"user_id": "ghost"}).status_code == 422
    assert env.client.post(url, headers=env.headers(world["admin"]), json={"user": "x"}).status_code == 422
    missing = env.client.post("/sheets/no-such-sheet/access", headers=env.headers(world["admin"]), json=body)
    assert missing.status_code == 404


def test_set_access_matrix(env, world):
    url = f"/sheets/{world['sheet']['id']}/set-access"
    assert env.client.post(url, headers=env.headers(world["granted"])).status_code == 200
    assert env.client.post(url, headers=env.headers(world["admin"])).status_code == 200
    assert env.client.post(url, headers=env.headers(world["other"])).status_code == 403
    assert env.client.post(url, headers=env.headers(world["admin_b"])).status_code == 403
    assert env.client.post(url, headers=env.staff()).status_code == 403
    assert env.client.post(url).status_code == 401
    assert env.client.post("/sheets/nope/set-access", headers=env.headers(world["granted"])).status_code == 404


def test_the_handoff_token_verifies_with_the_published_key_and_names_user_and_production(env, world):
    granted, sheet = world["granted"], world["sheet"]
    response = env.client.post(f"/sheets/{sheet['id']}/set-access", headers=env.headers(granted))
    assert response.status_code == 200
    assert response.json["redirect_url"].startswith("https://set.example.test/entree?token=")
    token = _token_of(response)
    jwks = env.client.get("/.well-known/jwks.json").json
    kid = jwt.get_unverified_header(token)["kid"]
    public_key = jwt.PyJWKSet.from_dict(jwks)[kid].key
    claims = jwt.decode(token, public_key, algorithms=["RS256"], audience="set", issuer="guichet-productions")
    assert claims["sub"] == granted.id and claims["email"] == granted.email
    assert claims["name"] == "Gabriel Granted" and claims["exp"] - claims["iat"] == 120
    assert claims["production"] == {"id": sheet["id"], "title": "Tournage Nord"}
    assert claims["house"] == {"id": world["house"]["id"], "name": "Maison du SET"}
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, public_key, algorithms=["RS256"], audience="guichet")
    event = [e for e in env.events("productions.set_handoff") if e["jti"] == claims["jti"]]
    assert len(event) == 1 and event[0]["user_id"] == granted.id and event[0]["sheet_title"] == "Tournage Nord"


def test_the_token_is_single_use(env, world):
    token = _token_of(_go_to_set(env, world, world["granted"]))
    first = env.client.post("/set/handoffs/verify", json={"token": token})
    assert first.status_code == 200
    assert first.json["user"]["id"] == world["granted"].id and first.json["production"]["title"] == "Tournage Nord"
    second = env.client.post("/set/handoffs/verify", json={"token": token})
    assert second.status_code == 409 and second.json["error"]["code"] == "token_already_used"


def test_the_token_is_rejected_after_two_minutes(env, world):
    keys, settings = env.app.extensions["handoff_keys"], env.app.extensions["handoff_settings"]
    with env.db.transaction() as session:
        sheet = session.get(Sheet, world["sheet"]["id"])
        user = session.get(KnownUser, world["granted"].id)
        late = issue(session, keys, settings, sheet, user, now=datetime.now(UTC) - timedelta(seconds=121))
        fresh = issue(session, keys, settings, sheet, user, now=datetime.now(UTC) - timedelta(seconds=100))
    expired = env.client.post("/set/handoffs/verify", json={"token": late.token})
    assert expired.status_code == 401 and expired.json["error"]["code"] == "invalid_token"
    assert env.client.post("/set/handoffs/verify", json={"token": fresh.token}).status_code == 200


def test_forged_or_revoked_tokens_are_refused(env, world):
    own_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    real = _token_of(_go_to_set(env, world, world["granted"]))
    claims = jwt.decode(real, options={"verify_signature": False})
    forged = jwt.encode(claims, own_key, algorithm="RS256", headers={"kid": jwt.get_unverified_header(real)["kid"]})
    assert env.client.post("/set/handoffs/verify", json={"token": forged}).status_code == 401
    assert env.client.post("/set/handoffs/verify", json={"token": "not-a-jwt"}).status_code == 401
    assert env.client.post("/set/handoffs/verify", json={}).status_code == 422
    # access withdrawn between "Accéder au SET" and SET's verification: refused
    loser = env.register("Luc", "Perdu")
    url = f"/sheets/{world['sheet']['id']}/access"
    assert env.client.post(url, headers=env.headers(world["admin"]), json={"user_id": loser.id}).status_code == 201
    token = _token_of(env.client.post(f"/sheets/{world['sheet']['id']}/set-access", headers=env.headers(loser)))
    assert env.client.delete(f"{url}/{loser.id}", headers=env.headers(world["admin"])).status_code == 204
    assert env.client.post("/set/handoffs/verify", json={"token": token}).status_code == 403


def test_an_inactive_house_cannot_hand_off(env):
    admin = env.register("Paul", "Pause")
    house = env.house(admin)
    sheet = env.sheet(admin, house["id"], title="Suspendu")
    deactivated = env.client.patch(f"/houses/{house['id']}", headers=env.staff(), json={"status": "inactive"})
    assert deactivated.status_code == 200
    assert env.client.post(f"/sheets/{sheet['id']}/set-access", headers=env.headers(admin)).status_code == 409


def test_audit_trail_says_who_did_what_and_is_for_staff_and_the_house(env, world):
    house_id = world["house"]["id"]
    trail = env.client.get(f"/audit?house_id={house_id}&limit=200", headers=env.headers(world["admin"]))
    assert trail.status_code == 200
    actions = {(e["action"], e["actor_id"], e["subject_user_id"]) for e in trail.json["items"]}
    assert ("access_granted", world["admin"].id, world["granted"].id) in actions
    assert ("admin_added", trail.json["items"][-1]["actor_id"], world["admin"].id) in actions
    assert ("set_handoff", world["granted"].id, world["granted"].id) in actions
    granted_entry = next(e for e in trail.json["items"]
                         if e["action"] == "access_granted" and e["subject_user_id"] == world["granted"].id)
    assert granted_entry["actor_name"] == "Ariane Admin" and granted_entry["subject_name"] == "Gabriel Granted"
    only_grants = env.client.get(f"/audit?house_id={house_id}&action=access_granted", headers=env.staff()).json
    assert {e["action"] for e in only_grants["items"]} == {"access_granted"}
    assert env.client.get(f"/audit?house_id={house_id}", headers=env.headers(world["admin_b"])).status_code == 404
    assert env.client.get(f"/audit?house_id={house_id}", headers=env.headers(world["granted"])).status_code == 404
    assert env.client.get("/audit", headers=env.headers(world["admin"])).status_code == 422
    assert env.client.get("/audit", headers=env.staff()).json["total"] >= trail.json["total"]
    assert env.client.get("/audit?action=dance", headers=env.staff()).status_code == 422
