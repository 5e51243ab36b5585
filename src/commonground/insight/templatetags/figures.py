"""Showing numbers the way people read them: with their unit and the indicator's decimals, and
a withheld or censored figure as a mark that explains itself — never as a number."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from commonground.insight.charts import format_value
from commonground.insight.views.present import CENSORED, VALUE, WITHHELD

register = template.Library()


@register.simple_tag
def figure(indicator, value):
    """``47.7%``, ``1,056 students``; an em dash for no value."""
    if value is None:
        return "—"
    return format_value(value, indicator.unit, indicator.decimals)


@register.simple_tag
def big_figure(indicator, value):
    """The headline figure of a tile: the number large, a worded unit beside it smaller
    (``68.4%`` stays whole; ``15.2`` ``per 1,000 students``)."""
    if value is None:
        return format_html('<span class="value">—</span>')
    number = format_value(value, "", indicator.decimals)
    unit = indicator.unit
    if not unit or unit == "%":
        return format_html(
            '<span class="value">{}</span>', format_value(value, unit, indicator.decimals)
        )
    return format_html('<span class="value">{}</span> <span class="unit">{}</span>', number, unit)


@register.simple_tag
def cell(item):
    """A table cell's content (``present.Cell``).

    A withheld small cell is the mark ``<k`` — no digit at all, not even the threshold, so
    nothing in the page's markup can carry the hidden figure; the page explains k once.
    """
    if item.state == VALUE:
        return item.text
    if item.state == WITHHELD:
        return format_html(
            '<abbr class="withheld" title="{}">&lt;k</abbr>'
            '<span class="visually-hidden"> {}</span>',
            _("Fewer than k: withheld to protect privacy"),
            _("withheld"),
        )
    if item.state == CENSORED:
        return format_html(
            '<abbr class="censored" title="{}">{}</abbr>',
            _("Reported only as a bound, such as “below ten”: not a number, left out of sums"),
            _("bound"),
        )
    return format_html('<span class="missing" title="{}">—</span>', _("No value"))
