"""Finding a member's groups by NIK, without the NIK ever being in a URL.

The group list's search is a GET form (bookmarkable, paginated), so its text lands in
server logs and browser history; a NIK must not. This form posts, the answer is the
result page itself (no redirect carrying the NIK) and is never cached.
"""

from django import forms
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from kube_registry.roles import RoleRequiredMixin

from .selectors import is_id_number, kube_search_by_nik


class NikSearchForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK anggota"),
        max_length=40,
        help_text=_("16 angka; spasi dan titik boleh."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_nik(self):
        value = self.cleaned_data["nik"]
        if not is_id_number(value):
            raise forms.ValidationError(_("NIK terdiri atas 16 angka."))
        return value


@method_decorator(never_cache, name="dispatch")
class MemberSearchView(RoleRequiredMixin, View):
    permission_required = "groups.view_kube"
    template_name = "groups/member_search.html"

    def get(self, request):
        return render(request, self.template_name, {"form": NikSearchForm()})

    def post(self, request):
        form = NikSearchForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        kubes = kube_search_by_nik(request.user, form.cleaned_data["nik"]).order_by("no_registrasi")
        # A fresh form: the page never carries the full NIK back (kube_registry.masking).
        context = {"form": NikSearchForm(), "kubes": list(kubes), "searched": True}
        return render(request, self.template_name, context)
