"""Portal users: each belongs to one unit, or (city leaders) to one official."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import NoticeKind, Role


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` makes an administrator, who belongs to no unit.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.UNIT_STAFF)
    unit = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("unit"),
    )
    official = models.ForeignKey(
        "chains.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("lead city official"),
    )
    is_demo = models.BooleanField(_("demo account"), default=False, editable=False)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_(
            "Set by the role: administrators (系统管理员) sign in to this admin site; other "
            "roles do not."
        ),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.LEADER) | Q(official__isnull=False),
                name="leader_has_official",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=Role.with_unit()) | Q(unit__isnull=False),
                name="staff_has_unit",
            ),
        ]

    def clean(self):
        super().clean()
        if self.role == Role.LEADER and not self.official_id:
            raise ValidationError({"official": _("A city leader account needs its official.")})
        if self.role in Role.with_unit() and not self.unit_id:
            raise ValidationError({"unit": _("This role needs the user's unit.")})

    def save(self, *args, **kwargs):
        # Staff status is the role's, never a box to remember: an administrator without it
        # could not open the admin, and unit staff with it could.
        self.is_staff = self.role == Role.ADMIN
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_everything(self) -> bool:
        """DRC staff and administrators review the whole system."""
        return self.is_superuser or self.role in (Role.DRC, Role.ADMIN)


class Notification(models.Model):
    """A message in the portal's own inbox (reminders, returns, decisions)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.OTHER
    )
    text = models.CharField(_("message"), max_length=300)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Sent in the day's digest e-mail (for a kind the user reads as a digest).
    digest_sent_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
