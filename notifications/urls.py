from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("pemberitahuan/", views.InboxView.as_view(), name="inbox"),
    path("pemberitahuan/<int:pk>/", views.NotificationOpenView.as_view(), name="open"),
    path("pemberitahuan/tandai-dibaca/", views.MarkAllReadView.as_view(), name="mark_all_read"),
    path("pemberitahuan/pengaturan/", views.PreferencesView.as_view(), name="preferences"),
    path("pemberitahuan/terkirim/", views.SentLogView.as_view(), name="sent_log"),
]
