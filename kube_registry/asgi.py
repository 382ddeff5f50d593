"""The ASGI entry point (e.g. `uvicorn kube_registry.asgi:application`).

Like wsgi.py: the production settings unless DJANGO_SETTINGS_MODULE says otherwise.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kube_registry.settings.production")
application = get_asgi_application()
