"""Lists: filters, and pages — ``?page=2&limit=50`` → ``{count, page, limit, next, previous,
results}``.

``next``/``previous`` are full URLs (the same filters, the neighbouring page) or null; a page
past the end is empty rather than an error. Two queries a page, however many rows there are.
"""

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from django.http import QueryDict
from ninja import Field, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")


class Filters(Schema):
    """A list's query filters; ``LOOKUPS`` maps each to the queryset lookup it narrows."""

    LOOKUPS: ClassVar[dict[str, str]] = {}

    def narrow(self, queryset):
        """``queryset`` with every filter given (left out or empty: no filter)."""
        for name, lookup in self.LOOKUPS.items():
            value = getattr(self, name)
            if value is not None and value != "":
                queryset = queryset.filter(**{lookup: value})
        return queryset


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Which page, from 1.")
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows a page, at most {MAX_LIMIT}."
    )


class Page(Schema, Generic[T]):
    count: int = Field(description="How many rows match, over all pages.")
    page: int
    limit: int
    next: str | None = Field(description="The URL of the next page, or null on the last.")
    previous: str | None = Field(description="The URL of the previous page, or null on the first.")
    results: list[T]


def _url(request, page: int) -> str:
    query: QueryDict = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(request, queryset, params: PageParams, serialize: Callable) -> dict:
    """One page of ``queryset`` (ordered), each row through ``serialize``."""
    count = queryset.count()
    start = (params.page - 1) * params.limit
    rows = list(queryset[start : start + params.limit]) if start < count else []
    return {
        "count": count,
        "page": params.page,
        "limit": params.limit,
        "next": _url(request, params.page + 1) if start + params.limit < count else None,
        "previous": _url(request, params.page - 1) if params.page > 1 else None,
        "results": [serialize(row) for row in rows],
    }
