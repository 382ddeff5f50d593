"""Accessibility markup written once (WCAG 2.1 AA, issue 15)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def scroll_region(label) -> str:
    """The attributes of a box that may scroll sideways (`.table-responsive`): a keyboard
    reaches it (tabindex) to scroll it with the arrow keys, and a screen reader announces
    it as a region named `label` (usually the heading or caption of the table inside).

        <div class="table-responsive" {% scroll_region _("Anggota") %}>
    """
    return format_html('tabindex="0" role="region" aria-label="{}"', label)
