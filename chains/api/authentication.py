"""Who is calling: the client system whose token the request carries
(`Authorization: Bearer <token>`, or `Token <token>`). A missing token is left to the
permission check (401, unless the view also takes a portal session); an unknown, expired or
revoked token, or one of a deactivated system, is refused with 401 and the reason in Chinese."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from chains.api.models import ApiToken
from chains.api.services import api_token_used, token_hash

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Authorization 请求头格式不对：应为“Bearer <令牌>”，令牌中不能有空格。"
            )
        try:
            plain = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("令牌无效。") from None
        token = (
            ApiToken.objects.select_related("client__service_user")
            .filter(key_hash=token_hash(plain))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效。")
        refusal = token.refusal()
        if refusal:
            request.api_token_refused = token  # the call is recorded against it all the same
            raise exceptions.AuthenticationFailed(refusal)
        api_token_used(token)
        return token.client.service_user, token

    def authenticate_header(self, request):
        # Makes a refusal a 401 (with WWW-Authenticate), not a 403.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "管理员在后台为每个系统签发的令牌（有权限范围和有效期）："
                "`Authorization: Bearer <令牌>`（也接受 `Token <令牌>`）。"
            ),
        }
