"""The services the platform is made of, and how to import each one's pieces by name."""
from __future__ import annotations

import importlib
from types import ModuleType

API_SERVICES = ("auth", "cards", "billing", "productions", "notifier")


def module(service: str, part: str) -> ModuleType:
    return importlib.import_module(f"services.{service}.{part}")


def handlers(service: str) -> dict:
    return getattr(module(service, "consumers"), "HANDLERS", {})
