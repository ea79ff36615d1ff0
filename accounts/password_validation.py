"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS).

Messages are translated when a password is checked, in the language of the request, never
at import time.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext, ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with a message the portal's catalogue translates.

    Django 5.2 reworded this message ("%d" instead of "%(min_length)d") and its Chinese
    catalogue still has only the old wording, so the message showed in English on Chinese
    pages. The msgids below are Django's, translated in locale/zh_Hans.
    """

    def get_error_message(self):
        return (
            ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )


class UserAttributeInPasswordValidator:
    """Refuse a password that contains the username (or the name part of the e-mail address).

    Django's UserAttributeSimilarityValidator compares whole strings: "admin-admin-admin" is
    long beside "admin", so its similarity ratio is low and it passes for the user admin.
    """

    def __init__(self, user_attributes=("username", "email"), min_length=3):
        self.user_attributes = user_attributes
        self.min_length = min_length  # shorter values (e.g. "hr") occur by chance

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        for attribute in self.user_attributes:
            value = getattr(user, attribute, None)
            if not value or not isinstance(value, str):
                continue
            value = value.lower().split("@")[0] if attribute == "email" else value.lower()
            if len(value) >= self.min_length and value in lowered:
                raise ValidationError(
                    gettext("The password must not contain your %(verbose_name)s."),
                    code="password_contains_user_attribute",
                    params={"verbose_name": _verbose_name(user, attribute)},
                )

    def get_help_text(self):
        return gettext("Your password can’t contain your username.")


def _verbose_name(user, attribute: str) -> str:
    try:
        return str(user._meta.get_field(attribute).verbose_name)
    except FieldDoesNotExist:
        return attribute


class RepetitionValidator:
    """Refuse a password made of one short piece repeated ("abcabcabcabc", "admin-admin-admin")
    or of too few different characters ("aaaaaaaaaab1"): long enough for the length rule, yet
    guessed at once."""

    def __init__(self, min_distinct=5):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        text = password.lower()
        if _is_periodic(text):
            raise ValidationError(
                gettext("This password is one short sequence of characters repeated."),
                code="password_repeated",
            )
        if len(set(text)) < self.min_distinct:
            raise ValidationError(
                ngettext(
                    "This password uses too few different characters: it needs at least "
                    "%(min_distinct)d.",
                    "This password uses too few different characters: it needs at least "
                    "%(min_distinct)d.",
                    self.min_distinct,
                ),
                code="password_too_few_characters",
                params={"min_distinct": self.min_distinct},
            )

    def get_help_text(self):
        return ngettext(
            "Your password can’t be one piece repeated and needs at least %(min_distinct)d "
            "different characters.",
            "Your password can’t be one piece repeated and needs at least %(min_distinct)d "
            "different characters.",
            self.min_distinct,
        ) % {"min_distinct": self.min_distinct}


def _is_periodic(text: str) -> bool:
    """Whether the text repeats a piece of at most half its length (the last copy may be cut
    short: "admin-admin-admin" repeats "admin-").

    Linear in the length (a failure function, as in Knuth–Morris–Pratt): the shortest period
    is the length minus the longest proper prefix that is also a suffix. Comparing every period
    instead took seconds for a few thousand characters, which anyone signed in could send.
    """
    n = len(text)
    if n < 2:
        return False
    border = [0] * n
    k = 0
    for i in range(1, n):
        while k and text[i] != text[k]:
            k = border[k - 1]
        if text[i] == text[k]:
            k += 1
        border[i] = k
    return n - border[-1] <= n // 2
