"""The permission matrix's rows, one module per area (``pages_<area>.py``).

Each module defines ``PAGES``: a list of ``Page`` rows naming a URL, how to reach it and the
personas that may use it. ``tests/core/test_permission_matrix.py`` runs every row for every
persona. A new page joins the matrix by adding a row to its area's module.
"""

from dataclasses import dataclass

from django.urls import reverse

from tests.conftest import PERSONAS

ALPHA_MEMBERS = frozenset(PERSONAS)
# Roles that see internal results (aggregates, unpublished indicators).
INTERNAL_RESULTS = frozenset(
    {"lead", "data_manager", "facilitator", "steering", "funder", "viewer"}
)
BACKBONE_DATA = frozenset({"lead", "data_manager"})


@dataclass(frozen=True)
class Page:
    name: str
    args: tuple
    allowed: frozenset
    method: str = "get"
    data: dict | None = None
    ok: int = 200
    public: bool = False  # anonymous visitors may see it

    def url(self, world):
        """Arguments may be callables of the world (for ids created by the fixture)."""
        return reverse(self.name, args=[a(world) if callable(a) else a for a in self.args])

    @property
    def id(self) -> str:
        args = "/".join(a if isinstance(a, str) else a.__name__ for a in self.args)
        return f"{self.method}:{self.name}:{args}"
