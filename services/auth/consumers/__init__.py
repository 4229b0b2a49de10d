"""Auth consumes no event: its routing table is empty (the worker then has nothing to do)."""
from chassis.bus.handlers import HandlerTable

HANDLERS: HandlerTable = {}
