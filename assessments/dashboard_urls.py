"""URL patterns, gathered in assessments/urls.py."""

urlpatterns: list = []
