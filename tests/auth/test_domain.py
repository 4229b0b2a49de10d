"""Pure rules: usernames (C1), folding for search, lockout durations, password hashing."""
from datetime import UTC, datetime, timedelta

import pytest

from services.auth.domain.lockout import LockoutPolicy, retry_after_seconds
from services.auth.domain.passwords import generate_temporary_password, hash_password, verify_password
from services.auth.domain.text import fold, search_terms
from services.auth.domain.usernames import username_for_login, username_from_card


def test_username_is_the_card_number_without_its_suffix():
    assert username_from_card(" ETHC123-04 ") == "ethc123"
    assert username_for_login("ethc123-04") == username_for_login("Ethc123") == "ethc123"
    assert username_for_login("claude") is None
    with pytest.raises(ValueError):
        username_from_card("eth123-04")


def test_fold_drops_case_and_accents():
    assert fold("  Éthier ") == "ethier" and fold("CÔTÉ-Lévesque") == "cote-levesque"
    assert search_terms("  Zoé   CÔTÉ ") == ["zoe", "cote"]


def test_lockouts_double_up_to_the_bound():
    policy = LockoutPolicy(max_failures=5, window_seconds=900, base_seconds=60, max_seconds=900)
    assert [policy.lockout_seconds(n) for n in range(1, 7)] == [60, 120, 240, 480, 900, 900]
    assert policy.lockout_seconds(10_000) == 900
    now = datetime.now(UTC)
    assert retry_after_seconds(now + timedelta(seconds=1.2), now) == 2


def test_argon2id_hashes_with_owasp_parameters():
    hashed = hash_password("a password of mine")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(hashed, "a password of mine") and not verify_password(hashed, "another one")
    assert not verify_password(None, "anything")
    temporary = {generate_temporary_password() for _ in range(50)}
    assert len(temporary) == 50 and all(len(p) == 14 and not set(p) & set("0O1lI") for p in temporary)
