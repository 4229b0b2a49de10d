"""Pure rules: card checks, the sandbox provider, money, numbers, scrubbing."""
from datetime import date
from decimal import Decimal

import pytest

from chassis.i18n import Catalogue, format_money, speaking, translate
from chassis.money import money_text, to_money
from services.billing.domain.cards import CardDetails, card_brand, is_expired, luhn_valid
from services.billing.domain.lines import TotalMismatch, card_lines, checked_total
from services.billing.domain.numbering import format_invoice_number, parse_invoice_number
from services.billing.domain.payments import make_provider
from services.billing.domain.payments.provider import DECLINE_MESSAGES, ProviderUnavailable, safe_charge
from services.billing.domain.payments.sandbox import SandboxProvider
from services.billing.domain.scrub import MASK, scrub_text, scrub_value

TODAY = date(2026, 6, 15)


def card(number="4242424242424242", exp_month=12, exp_year=2030, cvc="123"):
    return CardDetails(number=number, exp_month=exp_month, exp_year=exp_year, cvc=cvc, holder="A B")


@pytest.mark.parametrize("number,valid", [("4242424242424242", True), ("4242424242424241", False),
                                          ("5555555555554444", True), ("378282246310005", True),
                                          ("1234", False), ("42424242424242a2", False)])
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


def test_brands_and_expiry():
    assert [card_brand(n) for n in ("4242424242424242", "5555555555554444", "2223003122003222",
                                    "378282246310005", "6011111111111117", "9999999999999995")] == [
        "visa", "mastercard", "mastercard", "amex", "discover", "unknown"]
    assert is_expired(5, 2026, TODAY) and not is_expired(6, 2026, TODAY)


def test_card_details_never_show_number_or_cvc():
    details = card(cvc="987")
    assert "4242424242424242" not in repr(details) and "987" not in repr(details)
    assert str(details) == "visa •••• 4242"


@pytest.mark.parametrize("number,outcome", [
    ("4242424242424242", None), ("5555555555554444", None),
    ("4000000000000002", "generic_decline"), ("4000000000009995", "insufficient_funds"),
    ("4000000000000069", "expired_card"), ("4000000000000127", "incorrect_cvc"),
    ("4000000000000119", "processing_error"),
])
def test_sandbox_test_numbers(number, outcome):
    result = SandboxProvider(today=lambda: TODAY).charge(card(number), Decimal("10.00"), "CAD", "x", "k")
    assert result.approved is (outcome is None)
    assert result.decline_code == outcome
    if outcome:
        assert result.decline_message == DECLINE_MESSAGES[outcome]  # French, translated when written
        with speaking("en", Catalogue.of_service("billing")):
            assert translate(result.decline_message) != result.decline_message
    else:
        assert result.charge_id.startswith("ch_sandbox_")


def test_sandbox_checks_luhn_expiry_and_cvc_itself():
    provider = SandboxProvider(today=lambda: TODAY)
    assert provider.charge(card("4242424242424241"), Decimal("5"), "CAD", "", "k").decline_code == "generic_decline"
    expired = card(exp_month=5, exp_year=2026)
    assert provider.charge(expired, Decimal("5"), "CAD", "", "k").decline_code == "expired_card"
    assert provider.charge(card(cvc="12"), Decimal("5"), "CAD", "", "k").decline_code == "incorrect_cvc"


def test_provider_exceptions_lose_their_text():
    class Broken:
        name = "broken"

        def charge(self, card, *args):
            raise RuntimeError(f"bad {card.number}")

    with pytest.raises(ProviderUnavailable) as raised:
        safe_charge(Broken(), card(), Decimal("5"), "CAD", "", "k")
    assert "4242" not in str(raised.value) and raised.value.__cause__ is None and raised.value.__suppress_context__


def test_unknown_provider_is_a_startup_error():
    assert make_provider("sandbox").name == "sandbox"
    with pytest.raises(RuntimeError):
        make_provider("stripe-live")


def test_money_and_numbers():
    assert money_text(Decimal("2")) == "2.00" and to_money("2.005") == Decimal("2.01")
    assert to_money(Decimal("0.125")) == Decimal("0.13") and money_text("0.125") == "0.13"  # half up, as cards
    [line] = card_lines(1, Decimal("0.125"), "PDSB", "2026-02-27", "CISSS de Laval")
    assert line.unit_price == Decimal("0.13") and line.amount == Decimal("0.13")
    assert format_money(Decimal("1234.5"), "fr") == "1\xa0234,50\xa0$" and format_money(Decimal("8"), "en") == "$8.00"
    assert format_money("0.125", "fr") == "0,13\xa0$"  # shown as rounded: half up
    with pytest.raises(TypeError):
        to_money(2.0)
    assert format_invoice_number(2026, 123) == "2026-000123"
    assert parse_invoice_number("2026-000123") == (2026, 123) and parse_invoice_number("2026-123") is None


def test_lines_and_total_check():
    lines = card_lines(12, Decimal("2.00"), "PDSB", "2026-02-27", "CISSS")
    assert checked_total(lines, Decimal("24.00")) == Decimal("24.00")
    with pytest.raises(TotalMismatch):
        checked_total(lines, Decimal("25.00"))


def test_scrubbing():
    assert scrub_text("card 4242 4242 4242 4242 ok") == f"card {MASK} ok"
    assert scrub_text("4000-0000-0000-0002") == MASK
    assert scrub_text("invoice 2026-000123, phone 1 800 361 4528, order 123456789012") == \
        "invoice 2026-000123, phone 1 800 361 4528, order 123456789012"
    cleaned = scrub_value({"number": "2026-000123", "card": {"number": "4242424242424242"}, "cvc": "123",
                           "note": ["x 4242424242424242"]})
    assert cleaned == {"number": "2026-000123", "card": MASK, "cvc": MASK, "note": [f"x {MASK}"]}
