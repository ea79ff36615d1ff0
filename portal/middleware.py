import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English
    browser in a bureau would get English pages nobody asked for.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionTouchMiddleware:
    """Idle sessions still end SESSION_COOKIE_AGE after the last request, but the session row is
    written only when it changes or, to push its expiry on, at most once a minute
    (SESSION_SAVE_EVERY_REQUEST is off): a page costs no session UPDATE. Placed right after
    SessionMiddleware, so the session it marks is saved on the way out."""

    TOUCH_EVERY = 60  # seconds: the idle timeout holds to within this

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            touch(session, at_most_every=self.TOUCH_EVERY)
        return response


def touch(session, at_most_every: int = 0) -> None:
    """Stamp the session (marking it modified, so it is saved with a new expiry) unless it was
    stamped less than `at_most_every` seconds ago."""
    now = int(time.time())
    if now - session.get("_touched", 0) >= at_most_every:
        session["_touched"] = now


def touch_on_login(sender, request, user, **kwargs) -> None:
    """A login writes the session anyway: stamp it then, so the first page after it does not
    write again (connected in accounts.apps)."""
    if request is not None and hasattr(request, "session"):
        touch(request.session)
