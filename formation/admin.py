from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Candidate, KubeStage, Proposal, ProposalCandidate, ProposalDecision


class ProposalCandidateInline(admin.TabularInline):
    model = ProposalCandidate
    extra = 0
    raw_id_fields = ("candidate",)


class ProposalDecisionInline(admin.TabularInline):
    model = ProposalDecision
    extra = 0
    readonly_fields = ("action", "reason", "failed_checks", "decided_by", "decided_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kelurahan", "proposed_on", "status", "facilitator")
    list_filter = ("status", "business_field")
    search_fields = ("code", "name")
    raw_id_fields = ("kube",)
    inlines = [ProposalCandidateInline, ProposalDecisionInline]


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kelurahan", "status", "willingness", "dtks_decile", "dependents")
    list_filter = ("status", "willingness", "is_dtks")
    search_fields = ("name", "nik")
    raw_id_fields = ("placed_kube",)


@admin.register(KubeStage)
class KubeStageAdmin(SimpleHistoryAdmin):
    list_display = ("kube", "stage", "started_on")
    list_filter = ("stage",)
    raw_id_fields = ("kube",)
