from django.urls import path

from . import views

app_name = "formation"

urlpatterns = [
    path("usulan/", views.ProposalListView.as_view(), name="proposal_list"),
    path("usulan/ekspor.<str:fmt>", views.ProposalExportView.as_view(), name="proposal_export"),
    path("usulan/tambah/", views.ProposalCreateView.as_view(), name="proposal_create"),
    path("usulan/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("usulan/<int:pk>/ubah/", views.ProposalUpdateView.as_view(), name="proposal_update"),
    path("usulan/<int:pk>/calon/tambah/", views.ProposalCandidateAddView.as_view(), name="proposal_candidate_add"),
    path("usulan/<int:pk>/calon/pilih/", views.ProposalCandidatePickView.as_view(), name="proposal_candidate_pick"),
    path(
        "usulan/<int:pk>/calon/<int:entry_pk>/hapus/",
        views.ProposalCandidateRemoveView.as_view(),
        name="proposal_candidate_remove",
    ),
    path("usulan/<int:pk>/ajukan/", views.ProposalSubmitView.as_view(), name="proposal_submit"),
    path("usulan/<int:pk>/setujui/", views.ProposalApproveView.as_view(), name="proposal_approve"),
    path("usulan/<int:pk>/kembalikan/", views.ProposalReturnView.as_view(), name="proposal_return"),
    path("usulan/<int:pk>/tolak/", views.ProposalRejectView.as_view(), name="proposal_reject"),
    path("calon/", views.CandidateListView.as_view(), name="candidate_list"),
    path("calon/tambah/", views.CandidateCreateView.as_view(), name="candidate_create"),
    path("calon/<int:pk>/ubah/", views.CandidateUpdateView.as_view(), name="candidate_update"),
    path("kelompok/<int:pk>/tahap/", views.StageRecordView.as_view(), name="stage_record"),
    path(
        "kelompok/<int:pk>/calon/<int:candidate_pk>/tambahkan/",
        views.CandidatePlaceView.as_view(),
        name="candidate_place",
    ),
]
