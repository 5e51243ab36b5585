"""Completeness and timeliness."""

from tests.permissions import INTERNAL_RESULTS, Page

PAGES = [
    Page("completeness", ("alpha",), INTERNAL_RESULTS),
]
