"""The API's pages: the readable reference (public) and the account's tokens page."""

from tests.permissions import ALPHA_MEMBERS, Page

EVERY_ACCOUNT = ALPHA_MEMBERS | {"outsider"}

PAGES = [
    Page("api_docs", (), EVERY_ACCOUNT | {"anonymous"}, public=True),
    Page("api_tokens", (), EVERY_ACCOUNT),
]
