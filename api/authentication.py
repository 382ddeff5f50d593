"""Who is calling: a machine client with a token an administrator issued. No sessions.

`Authorization: Bearer <secret>` (or DRF's `Token <secret>`). The secret is looked up by
its SHA-256 (one query, the client's city joined). A revoked (inactive) client's token
answers 401 like a wrong one, but the call is still recorded against it.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from .models import ApiClient
from .services import hash_secret

KEYWORDS = ("bearer", "token")
# last_used_at is written at most this often per client: a call stays one insert.
LAST_USED_EVERY = dt.timedelta(minutes=5)

NO_TOKEN = _("Token API diperlukan: kirim header Authorization: Bearer <token>.")
BAD_HEADER = _("Header Authorization tidak sah: Bearer <token>.")
BAD_TOKEN = _("Token API tidak dikenal atau sudah dicabut.")
SCHEME_TEXT = _("Token dari administrator (admin Django atau api_client_create). Juga diterima: Token <token>.")


class ClientPrincipal:
    """What `request.user` is during an API call: the client, never a person's account.

    It holds no permission of the web pages, so nothing that asks a user's permissions
    (masking, `visible_to`) can grant it more than its own area and flag.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, client: ApiClient):
        self.client = client

    def __str__(self) -> str:
        return str(self.client)

    def get_username(self) -> str:
        return f"api:{self.client.prefix}"

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perms, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(BAD_HEADER)
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(BAD_HEADER) from None
        client = ApiClient.objects.select_related("city").filter(token_hash=hash_secret(secret)).first()
        if client is None:
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        # Known even when refused: the call log records it (views.ApiView.finalize_response).
        request._request.api_client = client
        if not client.is_active:
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at >= LAST_USED_EVERY:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        return ClientPrincipal(client), client

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class IsApiClient(permissions.BasePermission):
    message = NO_TOKEN

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiClient) and request.auth.is_active


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme: HTTP bearer."""

    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenApi"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(SCHEME_TEXT),
        }
