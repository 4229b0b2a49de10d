"""The accounts auth disabled, as this service learns them from auth's events (chassis.account_status)."""
from chassis.migrations import account_status_revision

revision = "0002"
down_revision = "0001"

upgrade, downgrade = account_status_revision()
