from alembic import context

from chassis.bus.tables import ChassisBase
from chassis.migrations import run_env
from services.billing.db.models import Base

run_env(context, [Base.metadata, ChassisBase.metadata])
