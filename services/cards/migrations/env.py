"""Alembic environment of the cards service (driven by ``chassis.migrations.upgrade("cards", url)``)."""
from alembic import context

from chassis.bus.tables import ChassisBase
from chassis.migrations import run_env
from services.cards.db.models import Base

run_env(context, [Base.metadata, ChassisBase.metadata])
