"""A collection of an API's resources (``/sessions``, ``/houses``, ``/sheets``...): the list, one item,
creating and changing one. The clients name their collections' calls (``list_houses``, ``get_sheet``...)."""
from __future__ import annotations


def given(**params) -> dict:
    """The query parameters that were given: None and "" are not sent."""
    return {k: v for k, v in params.items() if v not in (None, "")}


class Collection:
    def __init__(self, service: str, path: str):
        self.service, self.path = service, path

    def list(self, api, **params) -> dict:
        return api.get(self.service, self.path, params=given(**params))

    def get(self, api, item_id: str) -> dict:
        return api.get(self.service, f"{self.path}/{item_id}")

    def create(self, api, body: dict) -> dict:
        return api.post(self.service, self.path, json=body)

    def update(self, api, item_id: str, body: dict) -> dict:
        return api.patch(self.service, f"{self.path}/{item_id}", json=body)
