"""Who may see and change a request.

- ``cards_staff`` sees and manages every request.
- A trainer sees the requests where they are the first trainer (by user id) or the second
  trainer (by card number, from the read model); someone else's request is a 404.
- Only the first trainer (or staff) changes a request; the second trainer gets a 403.

The caller's card number is looked up inside the request's own query (a scalar subquery on
``trainers``), so checking who may see a request costs no round trip of its own.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import Row, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload, lazyload, with_expression

from chassis.errors import Forbidden, NotFound
from chassis.i18n import N_, _
from chassis.principal import Principal
from services.cards.db.models import Activity, CardSession, Institution, OrganizationType, Participant, Trainer

STAFF = "cards_staff"
TRAINER = "trainer"
SESSION_NOT_FOUND = N_("Demande introuvable.")


def is_staff(principal: Principal) -> bool:
    return principal.has_role(STAFF)


def known_trainer(db_session: Session, principal: Principal) -> Trainer | None:
    trainer = db_session.get(Trainer, principal.user_id)
    return trainer if trainer is not None and trainer.is_trainer else None


def _visibility(user_id):
    """The rows a trainer may see; ``user_id`` is a value or a bind parameter."""
    own_card_number = (select(Trainer.card_number)
                       .where(Trainer.user_id == user_id, Trainer.is_trainer.is_(True))
                       .scalar_subquery())
    return or_(CardSession.trainer_user_id == user_id, CardSession.second_card_number == own_card_number)


def visible_to(query: Select, principal: Principal) -> Select:
    if is_staff(principal):
        return query
    return query.where(_visibility(principal.user_id))


def participant_count_of_row():
    """COUNT of the participants of the ``sessions`` row being selected (correlated subquery)."""
    return (select(func.count(Participant.id)).where(Participant.session_id == CardSession.id)
            .correlate(CardSession).scalar_subquery())


def with_participant_count(query: Select) -> Select:
    """Fills ``CardSession.loaded_participant_count`` from the same statement.

    Only for reads: under ``FOR UPDATE`` the count would come from the snapshot taken before the
    lock was granted and could miss a participant added meanwhile.
    """
    return query.options(with_expression(CardSession.loaded_participant_count, participant_count_of_row()))


@cache
def _session_query(staff: bool, for_update: bool, with_references: bool) -> Select:
    """Built once per variant (building a statement costs more than running it); bound at execution."""
    query = select(CardSession).where(CardSession.id == bindparam("session_id"))
    if not staff:
        query = query.where(_visibility(bindparam("user_id")))
    if for_update:
        query = query.with_for_update(of=CardSession)
    else:
        query = with_participant_count(query)
    if with_references:  # only the labels a view shows: every column read costs on each request
        query = query.options(joinedload(CardSession.organization_type_ref).load_only(OrganizationType.label),
                              # label_en too: the submit's event carries it (a column left out was
                              # loaded by a query of its own, a quarter of a submit's CPU)
                              joinedload(CardSession.activity).load_only(Activity.label, Activity.label_en),
                              joinedload(CardSession.institution).load_only(Institution.name))
    else:
        query = query.options(lazyload(CardSession.organization_type_ref), lazyload(CardSession.activity),
                              lazyload(CardSession.institution))
    return query


def _lookup_params(staff: bool, principal: Principal, session_id: str) -> dict:
    """The bind parameters of the one-request queries (a trainer's also carry their id, for visibility)."""
    return {"session_id": session_id} if staff else {"session_id": session_id, "user_id": principal.user_id}


def session_rows() -> Select:
    """The columns a session view shows, as plain rows: what ``presenters.session_view`` reads, with the two
    labels and the participant count in the same statement. Reads use it instead of the ORM entity (a read
    needs no unit of work, and loading the entity and its joined rows was a third of a read's CPU)."""
    return (select(*CardSession.__table__.c, OrganizationType.label.label("organization_type_label"),
                   Activity.label.label("activity_label"),
                   participant_count_of_row().label("loaded_participant_count"))
            .join(OrganizationType, OrganizationType.code == CardSession.organization_type)
            .join(Activity, Activity.code == CardSession.activity_code))


@cache
def _session_row_query(staff: bool) -> Select:
    query = session_rows().where(CardSession.id == bindparam("session_id"))
    return query if staff else query.where(_visibility(bindparam("user_id")))


def read_session(db_session: Session, principal: Principal, session_id: str) -> Row:
    """The request as a row for ``presenters.session_view``, if the caller may see it (else 404)."""
    staff = is_staff(principal)
    row = db_session.connection().execute(_session_row_query(staff),
                                          _lookup_params(staff, principal, session_id)).one_or_none()
    if row is None:
        raise NotFound(SESSION_NOT_FOUND)
    return row


def load_session(db_session: Session, principal: Principal, session_id: str, *, manage: bool = False,
                 for_update: bool = False, with_references: bool = True) -> CardSession:
    """The request if the caller may see it (else 404; 403 when ``manage`` and not theirs to change).

    A read (no ``for_update``) also brings ``loaded_participant_count``, in one statement.
    ``with_references=False`` skips the joined reference rows (labels) a write does not show.
    """
    staff = is_staff(principal)
    card_session = db_session.scalars(_session_query(staff, for_update, with_references),
                                      _lookup_params(staff, principal, session_id)).unique().one_or_none()
    if card_session is None:
        raise NotFound(SESSION_NOT_FOUND)
    if manage and not staff and card_session.trainer_user_id != principal.user_id:
        raise Forbidden(_("Seul le formateur principal peut modifier cette demande."))
    return card_session
