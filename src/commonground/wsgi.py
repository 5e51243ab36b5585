"""WSGI entry point used by ``commonground serve`` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings")
application = get_wsgi_application()
