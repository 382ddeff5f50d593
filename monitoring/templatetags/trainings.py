"""`{% person_trainings person as trainings %}`: a person's trainings on their member page,
those of the reader's area only (a training of another city is not named)."""

from django import template

from monitoring.trainings import person_trainings as select_person_trainings

register = template.Library()


@register.simple_tag(takes_context=True)
def person_trainings(context, person):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return []
    return list(select_person_trainings(person, user))
