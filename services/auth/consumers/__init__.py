"""The events auth consumes: productions' house administrators, for the user directory; the data export requests."""
from chassis.bus.handlers import HandlerTable
from services.auth.consumers import data_export
from services.auth.consumers.house_admins import ADDED, REMOVED, on_house_admin_changed
from services.auth.operations.access_log import on_personal_data_viewed

HANDLERS: HandlerTable = {
    ADDED: on_house_admin_changed,  # the directory is open to house administrators (GET /users)
    REMOVED: on_house_admin_changed,
    "cards.personal_data_viewed": on_personal_data_viewed,  # Law 25: the log of staff reads
    **data_export.HANDLERS,  # its part of a person's data export (Law 25)
}
