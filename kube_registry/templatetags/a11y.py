"""Accessibility markup written once (WCAG 2.1 AA): form focus and scrollable regions."""

from django import template
from django.utils.html import format_html

from kube_registry.forms import first_invalid_field

register = template.Library()


@register.filter
def has_invalid_field(form) -> bool:
    """True when a visible field of `form` has an error (it then takes the focus;
    see kube_registry.forms.AccessibleBoundField)."""
    return first_invalid_field(form) is not None


@register.simple_tag
def scroll_region(*label_parts) -> str:
    """The attributes of a box that may scroll sideways (`.table-responsive`): a keyboard
    reaches it (tabindex) to scroll it with the arrow keys, and a screen reader announces
    it as a region named by `label_parts` joined with ": " (usually the heading or
    caption of the table inside; a second part where that heading already names a
    landmark around it, since two landmarks must not share a name).

        <div class="table-responsive" {% scroll_region _("Anggota") %}>
        <div class="table-responsive" {% scroll_region _("Angka grafik") block.title %}>
    """
    label = ": ".join(str(part) for part in label_parts if part)
    return format_html('tabindex="0" role="region" aria-label="{}"', label)
