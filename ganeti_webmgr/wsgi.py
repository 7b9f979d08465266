"""WSGI entry point (gwm-server loads it; any WSGI server can)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganeti_webmgr.settings")
application = get_wsgi_application()
