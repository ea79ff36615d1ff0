"""What a token may do: its scope. Statistics are submitted only with a `statistics:write`
token whose service account may import statistics by the portal's own rule; everything the
API serves is read with either scope. A call without a valid token never gets this far."""

from rest_framework.permissions import BasePermission

from chains.api.models import ApiToken, TokenScope
from chains.figures.access import can_import_statistics


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class ScopePermission(BasePermission):
    scopes: tuple[str, ...] = ()
    message = "该令牌的权限范围不包括此操作。"

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        return token is not None and token.scope in self.scopes


class CanRead(ScopePermission):
    scopes = (TokenScope.READ, TokenScope.STATISTICS_WRITE)
    message = "该令牌的权限范围不包括读取数据。"


class CanSubmitStatistics(ScopePermission):
    scopes = (TokenScope.STATISTICS_WRITE,)
    message = "该令牌只能读取数据，不能报送统计数据：报送需要权限范围为“报送统计数据”的令牌。"

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and can_import_statistics(request.user)
