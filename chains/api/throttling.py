"""How often a caller may call: per token, and per address before any token is looked at (so
guessing tokens costs the guesser, not the database). Rates in settings.REST_FRAMEWORK."""

from rest_framework.throttling import SimpleRateThrottle

from chains.api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_cache_key(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        ident = f"token-{token.pk}" if token else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressRateThrottle(SimpleRateThrottle):
    scope = "api_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
