"""The load drill's WSGI entry: the application warmed up in gunicorn's master, before it forks.

A server that has been running a while has imported every view and computed the report card's
statistics (``insight.document`` memoizes them per process); gunicorn's ``--preload`` imports
this module once in the master, so every worker starts in that state instead of each paying for
it during the drill. ``COMMONGROUND_WARM_INITIATIVE`` names the initiative whose card is built.
"""

import os

from django.db import connections
from django.urls import get_resolver

from commonground.wsgi import application

get_resolver().url_patterns  # noqa: B018 — imports every URL module and view now
if slug := os.environ.get("COMMONGROUND_WARM_INITIATIVE"):
    from commonground.initiatives.models import Initiative
    from commonground.insight.document import build_report_card

    build_report_card(Initiative.objects.get(slug=slug), public=False)
connections.close_all()  # the workers must not share the master's database connection

__all__ = ["application"]
