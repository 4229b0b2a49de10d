"""The accounts auth disabled, as this service learns them from auth's events (chassis.account_status)."""
from chassis.migrations import account_status_revision

revision = "0003_account_status"
down_revision = "0002_reference_lists"

upgrade, downgrade = account_status_revision()
