"""Template filters for accessible forms (see kube_registry.forms.AccessibleBoundField)."""

from django import template

from kube_registry.forms import first_invalid_field

register = template.Library()


@register.filter
def has_invalid_field(form) -> bool:
    """True when a visible field of `form` has an error (it then takes the focus)."""
    return first_invalid_field(form) is not None
