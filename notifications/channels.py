"""How a notification reaches a user outside the inbox.

Every notification is first a row in the in-app inbox (`Notification`); the inbox is
the one channel every user has. A *channel* carries copies of notifications elsewhere.
Today there is one, email (`EmailChannel`, Django's email settings: the console backend
in development, SMTP in production, locmem in the tests).

The interface a channel implements
----------------------------------

``name``
    A short identifier (``"surel"``), stored with what was sent.
``can_reach(user) -> bool``
    Whether the channel has an address for the user (an email address). A user it
    cannot reach still has every notification in the inbox.
``send(user, notifications, *, digest=False) -> int``
    Deliver the notifications to the user: one message each, or with ``digest`` one
    message listing them all (the daily digest). Return how many notifications were
    delivered; raise on a failure the next run should retry. The caller marks them
    sent (``emailed_at``) only after ``send`` returns, so a failure sends them again
    the next time and a success never twice.

What a message may carry: the notification's title, body and link, which the rules
write without a NIK, KK or phone number (`notifications.services` masks them again
before storing). A channel adds no personal data of its own.

A WhatsApp or SMS gateway (not built)
-------------------------------------

A gateway channel would implement the same three members. What it needs that the
application does not have yet, so it is documented here rather than faked:

- **An address.** Users have no phone number in the registry (`Person.phone` is a
  member's, never a user's). A gateway needs a verified number per user, kept on a
  profile the user confirms (a one-time code), shown masked like every phone, and
  never written into a message's text: the number goes to the gateway's API only.
- **Short text.** An SMS carries 160 characters: the title and the link, not the body.
  WhatsApp Business sends only templates approved beforehand by Meta for messages
  the user did not answer within 24 hours: one template per kind, with the group's
  name and the date as parameters.
- **The provider's API and credentials.** An HTTP call to the provider (e.g. a
  WhatsApp Business Solution Provider, or an SMS aggregator), with its key in the
  environment like `EMAIL_HOST_PASSWORD`, and its delivery receipts recorded.
- **A preference.** `Preference` would gain the kinds the user wants by that channel,
  and `Notification` a sent time per channel, as `emailed_at` is for email.

Once those exist, the gateway is a class beside `EmailChannel` and one more step in
`notifications.services.deliver_pending`.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Notification


def absolute(url: str) -> str:
    """The link as an email needs it: the site's address (KUBE_SITE_URL) before the page's path."""
    if not url:
        url = "/pemberitahuan/"
    return url if "://" in url else settings.KUBE_SITE_URL.rstrip("/") + url


class Channel:
    """The interface above; subclasses implement all three members."""

    name = ""

    def can_reach(self, user) -> bool:
        raise NotImplementedError

    def send(self, user, notifications: Sequence[Notification], *, digest: bool = False) -> int:
        raise NotImplementedError


class EmailChannel(Channel):
    name = "surel"

    def can_reach(self, user) -> bool:
        return bool(user.email)

    def send(self, user, notifications: Sequence[Notification], *, digest: bool = False) -> int:
        if not notifications or not self.can_reach(user):
            return 0
        with translation.override("id"):
            if digest:
                messages = [self._digest(user, notifications)]
            else:
                messages = [self._single(user, notification) for notification in notifications]
        with get_connection() as connection:
            connection.send_messages(messages)
        return len(notifications)

    def _footer(self) -> str:
        return _(
            "Pesan ini dikirim otomatis oleh Registri KUBE. Atur pemberitahuan yang Anda terima lewat surel: {url}"
        ).format(url=absolute("/pemberitahuan/pengaturan/"))

    def _message(self, user, subject: str, text: str) -> EmailMessage:
        return EmailMessage(
            subject=_("[Registri KUBE] {subject}").format(subject=subject),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )

    def _single(self, user, notification: Notification) -> EmailMessage:
        text = "\n\n".join(
            [
                notification.body,
                _("Buka: {url}").format(url=absolute(notification.url)),
                "-- ",
                self._footer(),
            ]
        )
        return self._message(user, notification.title, text)

    def _digest(self, user, notifications: Sequence[Notification]) -> EmailMessage:
        count = len(notifications)
        today = date_format(timezone.localdate(), "j F Y")
        subject = ngettext(
            "Ringkasan {date}: {count} pemberitahuan", "Ringkasan {date}: {count} pemberitahuan", count
        ).format(date=today, count=count)
        parts = [
            ngettext("{count} pemberitahuan baru untuk Anda:", "{count} pemberitahuan baru untuk Anda:", count).format(
                count=count
            )
        ]
        for index, notification in enumerate(notifications, start=1):
            parts.append(f"{index}. {notification.title}\n{notification.body}\n{absolute(notification.url)}")
        parts += ["-- ", self._footer()]
        return self._message(user, subject, "\n\n".join(parts))


EMAIL = EmailChannel()
