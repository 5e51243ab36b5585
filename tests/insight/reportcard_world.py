"""Helpers for the report card page tests: indicators, partners and approved reports."""

from decimal import Decimal

from commonground.initiatives.models import Organization, Partnership, WorkingGroup
from commonground.measurement import services
from commonground.measurement.models import Indicator, ReportingAssignment


def make_indicator(initiative, code, **fields):
    defaults = {
        "name": code.replace("_", " ").capitalize(),
        "value_type": "count",
        "aggregation": "sum",
        "frequency": "annual",
        "is_published": True,
        "decimals": 0,
    }
    return Indicator.objects.create(initiative=initiative, code=code, **{**defaults, **fields})


def report(actor, partnership, period, values, *, approve=True):
    """Report and submit one period of a partner, {indicator: Entry fields or [(cell, fields)]},
    and approve it unless told not to."""
    entries = []
    for indicator, fields in values.items():
        ReportingAssignment.objects.get_or_create(indicator=indicator, partnership=partnership)
        cells = fields if isinstance(fields, list) else [({}, fields)]
        for cell, cell_fields in cells:
            entries.append(services.Entry(indicator=indicator, cell=cell, **cell_fields))
    submission = services.open_submission(actor=actor, partnership=partnership, period=period)
    services.save_values(actor=actor, submission=submission, entries=entries)
    services.submit_submission(actor=actor, submission=submission)
    if approve:
        services.approve_submission(actor=actor, submission=submission)
    return submission


def add_partners(initiative, count, start=0, prefix="p"):
    partnerships = []
    for n in range(start, start + count):
        org = Organization.objects.create(name=f"Partner {prefix}{n}", sector="nonprofit")
        partnerships.append(
            Partnership.objects.create(initiative=initiative, organization=org, code=f"{prefix}{n}")
        )
    return partnerships


def add_group(initiative, code, members, *, activity_type="", **fields):
    group = WorkingGroup.objects.create(
        initiative=initiative,
        code=code,
        name=fields.pop("name", code.replace("-", " ").title()),
        activity_type=activity_type,
        **fields,
    )
    group.partnerships.set(members)
    return group


def number(text) -> Decimal:
    return Decimal(str(text))
