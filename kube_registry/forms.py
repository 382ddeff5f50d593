from django.contrib.auth.forms import AuthenticationForm
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    # Django's Indonesian catalog repeats the field name ("nama pengguna nama pengguna").
    error_messages = {
        "invalid_login": _("Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil."),
        "inactive": _("Akun ini tidak aktif. Hubungi admin."),
    }


class AccessibleBoundField(BoundField):
    """A field tied to its messages for screen readers, on every form of the project.

    Django already marks a field with errors `aria-invalid` and points its
    `aria-describedby` at the help text and the error list (`<id>_helptext`,
    `<id>_error`, the ids crispy renders). This adds: the error stays described even
    when a widget sets its own `aria-describedby`, and the first visible field with an
    error gets `autofocus`, so after a refused POST the keyboard lands on it without
    any script (the page's Content-Security-Policy forbids inline script).
    """

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error" if self.auto_id else ""

    @property
    def is_first_error(self) -> bool:
        return bool(self.errors) and first_invalid_field(self.form) == self.name

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and self.error_id and not widget.is_hidden:
            own = attrs.get("aria-describedby") or widget.attrs.get("aria-describedby", "")
            described = own.split()
            if self.error_id not in described:
                attrs["aria-describedby"] = " ".join([*described, self.error_id])
        if self.form.is_bound and self.form.errors:
            # One focus on a refused form: a widget's own autofocus (the sign-in's
            # user name) yields to the first invalid field or to the error summary.
            attrs["autofocus"] = self.is_first_error
        return attrs


def first_invalid_field(form) -> str | None:
    """The name of the first visible field (in the form's order) that has an error."""
    errors = form.errors
    if not errors:
        return None
    return next(
        (name for name, field in form.fields.items() if name in errors and not field.widget.is_hidden),
        None,
    )


class AccessibleFormRenderer(DjangoTemplates):
    """Django's default renderer with `AccessibleBoundField` (settings.FORM_RENDERER)."""

    bound_field_class = AccessibleBoundField
