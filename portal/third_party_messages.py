"""Messages of Django's admin and of django-axes that their Chinese catalogues lack (Django
5.2's zh_Hans leaves a few of the admin's newer strings in English; axes ships no Chinese at
all). Their translations are in the portal's catalogue (locale/zh_Hans/LC_MESSAGES/django.po),
which Django reads before any app's; listing them here keeps them there when `make messages`
regenerates it. Nothing imports this module."""

from django.utils.translation import gettext_noop as _

DJANGO_ADMIN = [
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("After you’ve created a user, you’ll be able to edit more user options."),
]

DJANGO_AXES = [
    _("access attempt"),
    _("access attempts"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("Access Attempt"),
    _("Access lock out"),
    _("Attempt Time"),
    _("Expires At"),
    _("Failed Logins"),
    _("Form Data"),
    _("GET Data"),
    _("HTTP Accept"),
    _("IP Address"),
    _("Locked Out"),
    _("Logout Time"),
    _("Meta Data"),
    _("Not set"),
    _("Path"),
    _("POST Data"),
    _("Session key hash (sha256)"),
    _("The time when access attempt expires and is no longer valid."),
    _("User Agent"),
    _("Clean up expired attempts"),
]
