"""Pure rules: name comparison, the extra-administrators warning, shooting dates, hand-off claims."""
from datetime import UTC, date, datetime

from services.productions.domain.access import SheetRelation, can_be_named, can_remove_admin
from services.productions.domain.admins import extra_admins_warning
from services.productions.domain.handoff import HandoffSubject, expiry, handoff_claims, redirect_url
from services.productions.domain.names import comparison_key
from services.productions.domain.sheets import shooting_dates_errors


def test_house_names_compare_without_case_accents_or_extra_spaces():
    assert comparison_key("  Productions   Éole ") == comparison_key("productions eole")
    assert comparison_key("Québec Films") != comparison_key("Quebec Film")


def test_warning_only_past_four_extra_administrators():
    two_delegates = [True, True]
    assert extra_admins_warning(two_delegates + [False] * 4) is None
    warning = extra_admins_warning(two_delegates + [False] * 5)
    assert warning is not None and "3 ou 4" in warning and "(5" in warning


def test_shooting_end_may_not_precede_start():
    errors = shooting_dates_errors(date(2025, 3, 2), date(2025, 3, 1))
    assert list(errors) == ["shooting_end"] and "après le début" in errors["shooting_end"][0]
    assert shooting_dates_errors(date(2025, 3, 1), date(2025, 3, 1)) == {}
    assert shooting_dates_errors(None, date(2025, 3, 1)) == {}


def test_who_goes_to_set_and_who_manages():
    staff_only = SheetRelation(is_staff=True, is_house_admin=False, has_access=False)
    granted = SheetRelation(is_staff=False, is_house_admin=False, has_access=True)
    assert staff_only.can_manage and not staff_only.can_go_to_set
    assert granted.can_go_to_set and not granted.can_manage and granted.can_see
    assert not can_remove_admin(actor_is_staff=False, target_is_delegate=True)
    assert can_remove_admin(actor_is_staff=True, target_is_delegate=True)
    assert can_be_named(["member"]) and not can_be_named(["trainer"])


def test_handoff_claims_name_user_and_production_for_two_minutes():
    issued = datetime(2025, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)
    subject = HandoffSubject("u1", "Léa", "Tremblay", "lea@example.test", "s1", "Le film", "h1", "Maison")
    claims = handoff_claims(subject, jti="j1", issuer="guichet-productions", audience="set", issued_at=issued,
                            ttl_seconds=120)
    assert claims["exp"] - claims["iat"] == 120 and claims["aud"] == "set"
    assert claims["production"] == {"id": "s1", "title": "Le film"} and claims["house"]["name"] == "Maison"
    assert claims["name"] == "Léa Tremblay" and claims["email"] == "lea@example.test"
    assert int(expiry(issued, 120).timestamp()) == claims["exp"]


def test_redirect_url_keeps_the_set_address_query():
    assert redirect_url("https://set.example/x", "a.b") == "https://set.example/x?token=a.b"
    assert redirect_url("https://set.example/x?lang=fr", "t") == "https://set.example/x?lang=fr&token=t"
