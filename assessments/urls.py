"""The assessments app's pages; each area keeps its own list of patterns."""

from .dashboard_urls import urlpatterns as dashboard_patterns
from .judgement_urls import urlpatterns as judgement_patterns
from .threshold_urls import urlpatterns as threshold_patterns

app_name = "assessments"

urlpatterns = [*judgement_patterns, *threshold_patterns, *dashboard_patterns]
