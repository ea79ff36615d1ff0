from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is not right. After %(limit)s failed attempts the "
            "account is locked for a while."
        ),
    }

    def get_invalid_login_error(self):
        from django.conf import settings
        from django.core.exceptions import ValidationError

        return ValidationError(
            self.error_messages["invalid_login"] % {"limit": settings.AXES_FAILURE_LIMIT},
            code="invalid_login",
        )


# Longer than any password a person types, short enough that hashing and the validators stay
# cheap: without a limit a signed-in user could post megabytes to the password page.
PASSWORD_MAX_LENGTH = 128


class BoundedPasswordChangeForm(PasswordChangeForm):
    """Django's form with a length limit on each field, checked before the old password is
    hashed or the new one validated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("old_password", "new_password1", "new_password2"):
            field = self.fields[name]
            field.max_length = PASSWORD_MAX_LENGTH
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)
