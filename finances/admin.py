from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Asset, Grant, Loan, MemberLine, MonthlyReport, Product, Repayment


class MemberLineInline(admin.TabularInline):
    model = MemberLine
    extra = 0
    raw_id_fields = ("membership",)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(SimpleHistoryAdmin):
    list_display = ("kube", "period", "status", "income", "expenses", "is_imported", "first_submitted_at")
    list_filter = ("status", "is_imported", "period")
    search_fields = ("kube__name", "kube__no_registrasi")
    list_select_related = ("kube",)
    raw_id_fields = ("kube", "submitted_by", "verified_by")
    readonly_fields = ("version",)
    inlines = [MemberLineInline]


@admin.register(Grant)
class GrantAdmin(SimpleHistoryAdmin):
    list_display = ("kube", "source", "amount", "received_on")
    list_filter = ("source",)
    search_fields = ("kube__name", "kube__no_registrasi")
    raw_id_fields = ("kube",)


@admin.register(Asset)
class AssetAdmin(SimpleHistoryAdmin):
    list_display = ("kube", "name", "value", "acquired_on", "disposed_on")
    search_fields = ("name", "kube__name", "kube__no_registrasi")
    raw_id_fields = ("kube",)


class RepaymentInline(admin.TabularInline):
    model = Repayment
    extra = 0


@admin.register(Loan)
class LoanAdmin(SimpleHistoryAdmin):
    list_display = ("membership", "kube", "amount", "lent_on", "due_on", "repaid_on")
    search_fields = ("membership__person__name", "kube__name", "kube__no_registrasi")
    raw_id_fields = ("kube", "membership")
    list_select_related = ("kube", "membership__person", "membership__kube")
    inlines = [RepaymentInline]


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("kube", "name", "kind", "started_on", "ended_on")
    list_filter = ("kind",)
    search_fields = ("name", "kube__name")
    raw_id_fields = ("kube",)
