"""The HTTP API under ``/api/v1/`` (django-ninja): one ``NinjaAPI``, one router per area.

The OpenAPI document is served at ``/api/v1/openapi.json``; the readable reference at
``/api/v1/docs`` is our own page rendered from that document (``api.docs``) — django-ninja's
docs page loads Swagger UI from a CDN, which the content-security policy forbids.
"""

from ninja import NinjaAPI

from commonground.api import errors
from commonground.api.auth import TokenAuth
from commonground.api.routes import convening, initiatives, insight, plan, registry, reporting

DESCRIPTION = """\
JSON over HTTPS for the people of an initiative and their programs. Every request carries a
personal token (`Authorization: Bearer cg_…`), created on the account's *API tokens* page and
scoped to one initiative, where it acts with its person's role: the same permissions as the
pages; objects one may not see answer 404 like missing ones.

Errors are `{"code", "message", "details"}`; lists are pages (`?page=&limit=`, with `next`);
writes accept an `Idempotency-Key` header; each token may send a limited number of requests a
minute (429 with `Retry-After` beyond). The reference and a walk-through: `/api/v1/docs`.
"""


class CommongroundAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """Short ids (``list_submissions``): the operations' function names are unique."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *args, **kwargs):
        """The document, with what each error status means here instead of its HTTP name."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema["paths"].values():
            for details in methods.values():
                for status, answer in details["responses"].items():
                    answer["description"] = errors.MEANINGS.get(str(status), answer["description"])
        return schema


api = CommongroundAPI(
    title="Commonground API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,
)
errors.install(api)
for area in (initiatives, registry, reporting, insight, plan, convening):
    api.add_router("", area.router)
