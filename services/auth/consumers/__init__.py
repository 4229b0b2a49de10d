"""The events auth consumes: productions' house administrators, for the user directory."""
from chassis.bus.handlers import HandlerTable
from services.auth.consumers.house_admins import ADDED, REMOVED, on_house_admin_changed

HANDLERS: HandlerTable = {
    ADDED: on_house_admin_changed,  # the directory is open to house administrators (GET /users)
    REMOVED: on_house_admin_changed,
}
