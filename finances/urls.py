import datetime as dt

from django.urls import path, register_converter

from . import views

app_name = "finances"


class PeriodConverter:
    """`2025-11` in a URL <-> the month's first day."""

    regex = r"\d{4}-(0[1-9]|1[0-2])"

    def to_python(self, value: str) -> dt.date:
        year, month = value.split("-")
        return dt.date(int(year), int(month), 1)

    def to_url(self, value: dt.date) -> str:
        return f"{value:%Y-%m}"


register_converter(PeriodConverter, "period")

urlpatterns = [
    path("laporan/", views.FacilitatorHomeView.as_view(), name="facilitator_home"),
    path("laporan/verifikasi/", views.VerificationQueueView.as_view(), name="verification_queue"),
    path("laporan/kelengkapan/", views.CompletenessView.as_view(), name="completeness"),
    path("laporan/belum-masuk/", views.MissingReportsView.as_view(), name="missing_reports"),
    path("laporan/<int:report_pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("laporan/<int:report_pk>/ajukan/", views.ReportSubmitView.as_view(), name="report_submit"),
    path("laporan/<int:report_pk>/verifikasi/", views.ReportVerifyView.as_view(), name="report_verify"),
    path("laporan/<int:report_pk>/kembalikan/", views.ReportReturnView.as_view(), name="report_return"),
    path("laporan/<int:report_pk>/buka/", views.ReportReopenView.as_view(), name="report_reopen"),
    path("kelompok/<int:pk>/laporan/<period:period>/", views.ReportEditView.as_view(), name="report_edit"),
    path("kelompok/<int:pk>/keuangan/", views.KubeFinanceView.as_view(), name="kube_finance"),
    path("kelompok/<int:pk>/bantuan/tambah/", views.GrantCreateView.as_view(), name="grant_create"),
    path("kelompok/<int:pk>/bantuan/<int:object_pk>/", views.GrantUpdateView.as_view(), name="grant_update"),
    path("kelompok/<int:pk>/aset/tambah/", views.AssetCreateView.as_view(), name="asset_create"),
    path("kelompok/<int:pk>/aset/<int:object_pk>/", views.AssetUpdateView.as_view(), name="asset_update"),
    path("kelompok/<int:pk>/pinjaman/tambah/", views.LoanCreateView.as_view(), name="loan_create"),
    path("kelompok/<int:pk>/pinjaman/<int:object_pk>/", views.LoanUpdateView.as_view(), name="loan_update"),
    path(
        "kelompok/<int:pk>/pinjaman/<int:object_pk>/angsuran/",
        views.RepaymentCreateView.as_view(),
        name="repayment_create",
    ),
    path("kelompok/<int:pk>/produk/tambah/", views.ProductCreateView.as_view(), name="product_create"),
    path("kelompok/<int:pk>/produk/<int:object_pk>/", views.ProductUpdateView.as_view(), name="product_update"),
]
