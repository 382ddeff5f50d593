"""Template helpers for personal data, by the one masking rule (kube_registry.masking)."""

from django import template

from kube_registry.masking import mask_message_text, present_personal

register = template.Library()


def _can_see(context) -> bool:
    perms = context.get("perms")
    return bool(perms is not None and perms["groups"]["view_personal_data"])


@register.simple_tag(takes_context=True)
def id_number(context, number: str) -> str:
    """An NIK or KK in full for those allowed to read it, masked for everyone else."""
    if not number:
        return "—"
    return present_personal(can_see=_can_see(context), nik=number).nik


@register.simple_tag(takes_context=True)
def phone_number(context, phone: str) -> str:
    if not phone:
        return "—"
    return present_personal(can_see=_can_see(context), phone=phone).phone


@register.simple_tag(takes_context=True)
def birth(context, birth_on) -> str:
    """The birth date for those allowed to read it, the age in years for everyone else."""
    if not birth_on:
        return "—"
    shown = present_personal(can_see=_can_see(context), birth_on=birth_on).birth
    if not isinstance(shown, str):
        from django.utils.formats import date_format

        return date_format(shown, "j M Y")
    return shown


@register.simple_tag(takes_context=True)
def personal_message(context, text: str, column: str = "") -> str:
    """A message that may quote identity data (import, checks), masked for those who may not read it."""
    if _can_see(context):
        return text
    return mask_message_text(str(text), column=column)
