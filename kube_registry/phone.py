"""How the phone's queue of sendings (static/js/offline/app.js, issue 17) and the server talk.

A form sent from the queue says so with `X-Kube-Offline: 1` and is answered in a shape the
script reads: JSON where the save led (`form_views.saved_answer`), the form page marked
`X-Kube-Form: refused` or `conflict` (the script shows it as it is: the messages and the
typed values), or 401 JSON when the session has ended (the queue keeps the sending).
"""

from django.utils.crypto import salted_hmac

OFFLINE_HEADER = "X-Kube-Offline"
FORM_ANSWER_HEADER = "X-Kube-Form"
# Sent by the service worker when it fetches a page to keep on the phone (templates/offline/sw.js).
KEEP_HEADER = "X-Kube-Keep"


def from_phone_queue(request) -> bool:
    return request.headers.get(OFFLINE_HEADER) == "1"


def is_phone_copy(request) -> bool:
    """A page fetched to be kept on the phone, not opened by the user: it shows no flash
    message, so the messages wait (unused) for the page the user opens next."""
    return request.headers.get(KEEP_HEADER) == "1"


def opaque_user(user) -> str:
    """The user as the phone's storage names them (whose kept pages and queue these are):
    stable per user, meaningless to anyone reading the phone (no id, no name)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac("kube-offline-user", str(user.pk)).hexdigest()[:24]
