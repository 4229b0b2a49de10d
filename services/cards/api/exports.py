"""The accountant's export of card requests (issue 23): ``GET /exports/requests.csv?from=YYYY-MM&to=YYYY-MM``, for
ASSTSAS staff. One line per request submitted in the period (Montréal months), in order of submission, with its cards
and its amount (cards x unit price, to the cent: what billing invoices), then a TOTAL line; see ``chassis.csv_export``
for the format."""
from __future__ import annotations

from collections.abc import Iterator

from flask_smorest import Blueprint
from sqlalchemy import func, select

from chassis.csv_cells import local_time, with_total
from chassis.csv_export import export_endpoint, streamed
from chassis.i18n import N_, _, current_language
from chassis.money import money_text, to_money
from chassis.periods import Period
from services.cards.api.access import STAFF, participant_count_of_row
from services.cards.api.context import database
from services.cards.db.models import Activity, CardSession

blp = Blueprint("exports", __name__, description="CSV exports for the accountant (issue 23)")

HEADER = (N_("Demande"), N_("Soumise le"), N_("Formateur"), N_("N° de carte"), N_("Organisme"), N_("Activité"),
          N_("Statut"), N_("Cartes"), N_("Prix unitaire"), N_("Montant"), N_("Mode de paiement"), N_("Facture"))
CARDS, AMOUNT = HEADER.index(N_("Cartes")), HEADER.index(N_("Montant"))


@export_endpoint(blp, STAFF, "requests")
def requests_csv(period: Period):
    """Requests submitted in the period, one line each, then their TOTAL (cards, amount); UTF-8 with BOM"""
    label = func.coalesce(Activity.label_en, Activity.label) if current_language() == "en" else Activity.label
    return [_(name) for name in HEADER], with_total(_lines(period, label), len(HEADER), counts=(CARDS,),
                                                    amounts=(AMOUNT,))


def _lines(period: Period, label) -> Iterator[list]:
    query = (select(CardSession.id, CardSession.submitted_at, CardSession.trainer_first_name,
                    CardSession.trainer_last_name, CardSession.trainer_card_number, CardSession.organization_name,
                    label, CardSession.status, participant_count_of_row(), CardSession.unit_price,
                    CardSession.payment_method, CardSession.invoice_number)
             .join(Activity, Activity.code == CardSession.activity_code)
             .where(period.contains(CardSession.submitted_at))
             .order_by(CardSession.submitted_at, CardSession.id))
    for (session_id, submitted_at, first_name, last_name, card_number, organization, activity, status, cards,
         unit_price, method, invoice_number) in streamed(database(), query):
        yield [session_id, local_time(submitted_at), f"{first_name} {last_name}", card_number, organization,
               activity, status, cards, money_text(unit_price), money_text(to_money(unit_price * cards)), method,
               invoice_number]
