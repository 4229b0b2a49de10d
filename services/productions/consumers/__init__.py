"""The events productions consumes: auth's users, kept as the ``known_users`` read model."""
from chassis import account_status
from chassis.bus.handlers import HandlerTable
from services.productions.consumers import data_export
from services.productions.consumers.anonymized import on_account_anonymized
from services.productions.consumers.users import on_user_registered, on_user_updated

HANDLERS: HandlerTable = {
    **account_status.HANDLERS,  # auth.user_disabled / auth.user_enabled: this service refuses their tokens
    "auth.user_registered": on_user_registered,
    "auth.user_updated": on_user_updated,
    "auth.account_anonymized": on_account_anonymized,  # Law 25: grants removed, names replaced
    **data_export.HANDLERS,  # its part of a person's data export (Law 25)
}
