"""Template helpers for personal data and Indonesian formats."""

from django import template

from kube_registry.nik import format_id_number, mask_id_number

register = template.Library()


@register.simple_tag(takes_context=True)
def id_number(context, number: str) -> str:
    """An NIK or KK in full for those allowed to read it, masked for everyone else."""
    if not number:
        return "—"
    perms = context.get("perms")
    if perms is not None and perms["groups"]["view_personal_data"]:
        return format_id_number(number)
    return mask_id_number(number)
