"""The WSGI entry point (gunicorn `kube_registry.wsgi`).

Without DJANGO_SETTINGS_MODULE a server runs the production settings, which refuse a
missing or development SECRET_KEY: a forgotten variable stops the server instead of
serving with DEBUG on. `manage.py` keeps the development default for a developer.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kube_registry.settings.production")
application = get_wsgi_application()
