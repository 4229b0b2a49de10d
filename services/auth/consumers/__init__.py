"""The events auth consumes: productions' house administrators, for the user directory; the data export requests."""
from chassis.bus.handlers import HandlerTable
from services.auth.consumers import data_export
from services.auth.consumers.house_admins import ADDED, REMOVED, on_house_admin_changed

HANDLERS: HandlerTable = {
    ADDED: on_house_admin_changed,  # the directory is open to house administrators (GET /users)
    REMOVED: on_house_admin_changed,
    **data_export.HANDLERS,  # its part of a person's data export (Law 25)
}
