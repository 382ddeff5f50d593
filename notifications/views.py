"""The inbox, a notification's link, the preferences, and the officers' log of every reminder sent.

Every signed-in user has an inbox and preferences; only their own notifications are
theirs to see (another's is 404). The log needs `notifications.view_all_notification`
(officers and admins).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from groups.areas import area_of
from kube_registry.form_views import ServiceFormMixin
from kube_registry.roles import RoleRequiredMixin

from . import selectors, services
from .forms import PreferenceForm
from .models import Kind, Notification, Preference
from .schedules import LABELS, counts_summary

UNREAD = "belum-dibaca"


class InboxView(RoleRequiredMixin, ListView):
    """The user's notifications; reminders whose cause is gone are marked resolved first."""

    permission_required = ()
    template_name = "notifications/inbox.html"
    context_object_name = "notifications"
    paginate_by = 25

    @cached_property
    def only_unread(self) -> bool:
        return self.request.GET.get("tampil") == UNREAD

    def get_queryset(self):
        services.notifications_resolve(today=timezone.localdate(), user=self.request.user)
        queryset = selectors.inbox(self.request.user)
        return queryset.filter(read_at__isnull=True) if self.only_unread else queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "only_unread": self.only_unread,
            "unread_value": UNREAD,
            "query_without_page": f"tampil={UNREAD}" if self.only_unread else "",
        }


class NotificationOpenView(RoleRequiredMixin, View):
    """Following a notification's link: it is marked read, then the page that resolves it opens."""

    permission_required = ()
    scope = ("notification",)
    http_method_names = ["get"]

    @cached_property
    def notification(self) -> Notification:
        return get_object_or_404(Notification, pk=self.kwargs["pk"], user=self.request.user)

    def get(self, request, *args, **kwargs):
        notification = services.notification_open(user=request.user, notification=self.notification)
        url = notification.url
        if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            url = reverse("notifications:inbox")
        return redirect(url)


class MarkAllReadView(RoleRequiredMixin, View):
    permission_required = ()
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        count = services.notifications_mark_all_read(user=request.user)
        if count:
            messages.success(request, _("Semua pemberitahuan ditandai sudah dibaca."))
        return redirect("notifications:inbox")


class PreferencesView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = ()
    template_name = "notifications/preferences.html"
    form_class = PreferenceForm

    @cached_property
    def preference(self) -> Preference | None:
        return Preference.objects.filter(user=self.request.user).first()

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"kinds": selectors.kinds_for(self.request.user)}

    def get_initial(self):
        return {
            "email_kinds": sorted(services.email_kinds(self.preference)),
            "daily_digest": bool(self.preference and self.preference.daily_digest),
        }

    def perform(self, form):
        self.success_message = _("Pengaturan pemberitahuan disimpan.")
        return services.preference_save(
            user=self.request.user,
            email_kinds=form.cleaned_data["email_kinds"],
            daily_digest=form.cleaned_data["daily_digest"],
        )

    def get_success_url(self, result=None):
        return reverse("notifications:preferences")


class SentLogView(RoleRequiredMixin, ListView):
    """Every reminder sent: to whom, when, why, and whether read and resolved; the latest scheduled runs."""

    permission_required = "notifications.view_all_notification"
    template_name = "notifications/sent_log.html"
    context_object_name = "notifications"
    paginate_by = 50

    @cached_property
    def filters(self) -> dict:
        kind = self.request.GET.get("jenis", "")
        user = self.request.GET.get("penerima", "")
        state = self.request.GET.get("keadaan", "")
        return {
            "kind": kind if kind in Kind.values else "",
            "user_id": int(user) if user.isdigit() else None,
            "state": state if state in ("terbuka", "selesai") else "",
        }

    def get_queryset(self):
        return selectors.sent_log(area=area_of(self.request.user), **self.filters)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        runs = selectors.recent_runs()
        for run in runs:
            run.label = LABELS.get(run.name, run.name)
            run.summary = counts_summary(run.counts)
        return super().get_context_data(**kwargs) | {
            "filters": self.filters,
            "kinds": Kind.choices,
            "recipients": selectors.recipients(area_of(self.request.user)),
            "runs": runs,
            "query_without_page": query.urlencode(),
        }
