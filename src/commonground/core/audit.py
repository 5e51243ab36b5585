"""Writing audit events. Service functions call ``record`` inside their transaction."""

from decimal import Decimal

from django.db import models

from commonground.core.models import AuditEvent


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe dict of the model's concrete field values, for before/after."""
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = field.value_from_object(instance)
        if isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[field.name] = value
    return data


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    return actor.get_full_name() or actor.get_username()


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    initiative=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        initiative=initiative,
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_label=str(obj)[:300],
        before=before,
        after=after,
    )
