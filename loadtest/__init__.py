"""The load scenario (`make load`): the demo city on PostgreSQL, gunicorn, locust. See loadtest/__main__.py."""
