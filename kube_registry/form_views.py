"""The form plumbing every app's form views share: a service call behind a one-time
form token and, for an edited row, the version the form was read at; and the answer of
a one-shot action (a POST button: submit, verify, pick, place).

A form view mixes in `ServiceFormMixin` and defines `perform(form)`; a one-shot action
calls `action_run`. Neither repeats the token, version or error-fitting steps below.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kube_registry import submissions, versioning
from kube_registry.phone import FORM_ANSWER_HEADER, from_phone_queue


def saved_answer(request, url: str):
    """Where a save led: a redirect, or for the phone's queue JSON (the flash message waits in
    the session for the page the phone then opens)."""
    if from_phone_queue(request):
        return JsonResponse({"status": "saved", "url": str(url)})
    return redirect(url)


def fit_errors(exc: ValidationError, form) -> ValidationError:
    """A service's errors as `form` can show them: one about a field the form lacks goes on top of it."""
    if not hasattr(exc, "error_dict"):
        return exc
    fitted: dict[str, list] = {}
    for key, errors in exc.error_dict.items():
        fitted.setdefault(key if key in form.fields else NON_FIELD_ERRORS, []).extend(errors)
    return ValidationError(fitted)


class ServiceFormMixin:
    """Runs `perform(form)`; a ValidationError from the service lands on the form
    (on the field it names, or on top of the form if the form has no such field).

    Every form carries a one-time `form_token` (kube_registry.submissions): a second
    POST of the same form saves nothing and goes where the first went. A view that
    edits a row returns it from `edited_object()`: the form then carries the version
    it was read at, given to `perform` as `self.form_version` for the service to check
    (kube_registry.versioning); a stale save keeps the input and takes the current version.
    """

    success_message = ""
    form_version: int | None = None

    def edited_object(self):
        return None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields[submissions.FIELD] = submissions.token_field()
        edited = self.edited_object()
        if edited is not None:
            form.fields[versioning.FIELD] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0, initial=edited.version
            )
        return form

    def form_valid(self, form):
        token = form.cleaned_data.pop(submissions.FIELD, "")
        if self.edited_object() is not None:  # else a `version` is the form's own (the monthly report)
            self.form_version = form.cleaned_data.pop(versioning.FIELD, None)
        try:
            _result, url = submissions.run_once(
                user=self.request.user, token=token, perform=lambda: self.perform(form), url_of=self.get_success_url
            )
        except submissions.AlreadySubmitted as done:
            messages.info(self.request, _(submissions.MSG_ALREADY_SAVED))
            return saved_answer(self.request, done.url or self.request.path)
        except ValidationError as exc:
            stale = isinstance(exc, versioning.StaleEdit)
            if stale and versioning.FIELD in form.fields:
                form.data = form.data.copy()  # the next save is made knowing the changes listed
                form.data[form.add_prefix(versioning.FIELD)] = exc.current_version
            form.add_error(None, fit_errors(exc, form))
            response = self.form_invalid(form)
            response[FORM_ANSWER_HEADER] = "conflict" if stale else "refused"
            return response
        for warning in getattr(self, "warnings", []):
            messages.warning(self.request, warning)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return saved_answer(self.request, url)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response[FORM_ANSWER_HEADER] = "refused"
        return response


def action_run(request, perform: Callable[[], Any], success: Callable[[Any], str]) -> Any:
    """Run a one-shot action: a refusal (ValidationError) becomes error messages and None is
    returned; otherwise `success(result)` becomes the success message and the result is returned."""
    try:
        result = perform()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    messages.success(request, success(result))
    return result
