"""A group's visits (contract 5: /kelompok/<id>/kunjungan/, .../tambah/)."""

app_name = "monitoring"

urlpatterns = []
