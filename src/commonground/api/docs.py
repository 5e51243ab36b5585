"""The readable API reference, rendered on our server from the OpenAPI document.

No Swagger UI: it comes from a CDN and runs inline scripts, which the content-security policy
forbids. This page needs no script at all: a walk-through (``templates/api/walkthrough.md``,
also copied in docs/api.md), then every operation — method, path, what it does, parameters,
body, answers — and every schema the bodies and answers use.
"""

import json
import re
from dataclasses import dataclass, field

import markdown
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from commonground.api.api import api
from commonground.api.auth import rate_limit
from commonground.api.lists import DEFAULT_LIMIT, MAX_LIMIT
from commonground.api.writes import KEEP

METHOD_ORDER = ["get", "post", "put", "patch", "delete"]


def as_html(text: str) -> str:
    """Our own Markdown (operations' docstrings, the walk-through) as HTML."""
    # Our own text, never a person's input: nothing to sanitize.
    return mark_safe(markdown.markdown(text, extensions=["fenced_code"]))  # noqa: S308


def inline(text: str) -> str:
    """A one-line description with its `code` spans, escaped."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))  # noqa: S308


def schema_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_label(schema: dict) -> str:
    """A JSON schema fragment in a few words: ``string``, ``array of Flag``, ``integer or null``."""
    if "$ref" in schema:
        return schema_name(schema["$ref"])
    if "anyOf" in schema:
        return " or ".join(dict.fromkeys(type_label(s) for s in schema["anyOf"]))
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {type_label(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        values = schema["additionalProperties"]
        return f"object of {type_label(values) if isinstance(values, dict) else 'any'}"
    if schema.get("format") in ("date", "date-time"):
        return f"{kind} ({schema['format']})"
    return kind


def _limits(schema: dict) -> str:
    parts = []
    for key, word in (("minimum", "≥"), ("maximum", "≤"), ("minItems", "items ≥")):
        # An id's maximum is the database's, not something a person needs to read.
        if key in schema and abs(schema[key]) < 2**53:
            parts.append(f"{word} {schema[key]}")
    if "maxItems" in schema:
        parts.append(f"items ≤ {schema['maxItems']}")
    if "maxLength" in schema:
        parts.append(f"length ≤ {schema['maxLength']}")
    if "default" in schema and schema["default"] not in (None, "", [], {}):
        parts.append(f"default {json.dumps(schema['default'])}")
    return "; ".join(parts)


@dataclass
class Row:
    name: str
    type: str
    required: bool
    description: str
    limits: str = ""


@dataclass
class Operation:
    method: str
    path: str
    id: str
    summary: str
    description: str
    parameters: list[Row]
    body: str | None
    example: str | None
    responses: list[tuple[str, str, str]]
    writes: bool


@dataclass
class Section:
    tag: str
    operations: list[Operation] = field(default_factory=list)


def _rows(schema: dict) -> list[Row]:
    required = set(schema.get("required", []))
    return [
        Row(
            name,
            type_label(prop),
            name in required,
            inline(prop.get("description", "")),
            _limits(prop),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def _body(details: dict) -> tuple[str | None, str | None]:
    content = details.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None, None
    example = content.get("example")
    shown = json.dumps(example, indent=2, ensure_ascii=False) if example else None
    return type_label(content["schema"]), shown


def _operation(path: str, method: str, details: dict) -> Operation:
    parameters = [
        Row(
            f"{p['name']}",
            f"{type_label(p.get('schema', {}))} ({p['in']})",
            p.get("required", False),
            inline(p.get("description", "") or p.get("schema", {}).get("description", "")),
            _limits(p.get("schema", {})),
        )
        for p in details.get("parameters", [])
    ]
    body, example = _body(details)
    responses = []
    for status, answer in sorted(details.get("responses", {}).items()):
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        responses.append((status, inline(answer.get("description", "")), type_label(schema)))
    return Operation(
        method=method.upper(),
        path=path,
        id=details["operationId"],
        summary=details.get("summary", ""),
        description=as_html(details.get("description", "")),
        parameters=parameters,
        body=body,
        example=example,
        responses=responses,
        writes=method != "get",
    )


def reference(schema: dict) -> tuple[list[Section], list[tuple[str, str, list[Row]]]]:
    """The operations by tag (in the document's order) and the schemas, from the document."""
    components = schema.get("components", {}).get("schemas", {})
    sections: dict[str, Section] = {}
    for path, methods in schema["paths"].items():
        for method in sorted(methods, key=METHOD_ORDER.index):
            details = methods[method]
            tag = (details.get("tags") or ["Other"])[0]
            section = sections.setdefault(tag, Section(tag))
            section.operations.append(_operation(path, method, details))
    models = [
        (name, component.get("description", ""), _rows(component))
        for name, component in sorted(components.items())
        if component.get("properties")
    ]
    return list(sections.values()), models


def walkthrough(request) -> str:
    """The walk-through as Markdown, with this server's addresses."""
    return render_to_string(
        "api/walkthrough.md",
        {
            "base_url": request.build_absolute_uri("/api/v1").rstrip("/"),
            "tokens_url": request.build_absolute_uri(reverse("api_tokens")),
        },
    ).strip()


class ApiDocsView(TemplateView):
    """The reference: public (it holds no data), like the OpenAPI document itself."""

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        schema = api.get_openapi_schema(path_prefix=reverse("api:api-root"))
        sections, models = reference(schema)
        limit, window = rate_limit()
        return super().get_context_data(
            info=schema["info"],
            sections=sections,
            models=models,
            walkthrough=as_html(walkthrough(self.request)),
            openapi_url=reverse("api:openapi-json"),
            rate_limit=limit,
            rate_window=window,
            page_limit=DEFAULT_LIMIT,
            page_max=MAX_LIMIT,
            idempotency_hours=int(KEEP.total_seconds() // 3600),
            **kwargs,
        )
