"""Showing numbers the way people read them: with their unit and the indicator's decimals."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.simple_tag
def figure(indicator, value):
    """``47.7%``, ``1,056 students``; an em dash for no value."""
    if value is None:
        return "—"
    number = intcomma(f"{value:.{indicator.decimals}f}")
    unit = indicator.unit
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"
