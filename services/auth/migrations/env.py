"""Alembic environment of the auth service (driven by ``chassis.migrations.upgrade("auth", url)``)."""
from alembic import context

from chassis.bus.tables import ChassisBase
from chassis.migrations import run_env
from services.auth.db.models import Base

run_env(context, [Base.metadata, ChassisBase.metadata])
