"""The events productions consumes: auth's users, kept as the ``known_users`` read model."""
from chassis.bus.handlers import HandlerTable
from services.productions.consumers.users import on_user_registered, on_user_updated

HANDLERS: HandlerTable = {
    "auth.user_registered": on_user_registered,
    "auth.user_updated": on_user_updated,
}
