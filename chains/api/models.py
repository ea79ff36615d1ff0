"""The API's clients: the systems that call it (市统计局's, the city's data platform), the tokens
administrators issue to them, and a record of every call, refused ones included.

A token is stored as its SHA-256 only; the plain token is shown once, when it is issued. Tokens
expire and are revoked, never deleted: the calls they made keep pointing at them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chains.figures.models import FigureImport
from chains.matrix.models import Unit


class TokenScope(models.TextChoices):
    # Submitting figures implies reading them: the bureau's system checks what it sent.
    STATISTICS_WRITE = "statistics:write", _("Submit statistics (and read)")
    READ = "read", _("Read only")


class ApiClient(models.Model):
    """A system that calls the API on behalf of a unit. Each has a service account of its own
    (created with it, without a password: it cannot sign in), recorded as the importer of what
    the system sends, so an import says which system sent it."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Latin letters, digits and hyphens, e.g. tjj-platform; names its account."),
    )
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("unit")
    )
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Who runs the system, and how to reach them."),
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
        verbose_name=_("service account"),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive system's tokens are all refused.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client system")
        verbose_name_plural = _("API client systems")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A token one client system presents (`Authorization: Bearer <token>`). Only its SHA-256
    is kept, and its first characters to tell tokens apart in lists."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="tokens", verbose_name=_("client system")
    )
    scope = models.CharField(_("scope"), max_length=20, choices=TokenScope.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    prefix = models.CharField(_("token begins with"), max_length=16, editable=False)
    key_hash = models.CharField(
        _("SHA-256 of the token"), max_length=64, unique=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("api token", "issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.client} · {self.prefix}… ({self.get_scope_display()})"

    def clean(self) -> None:
        if self._state.adding and self.expires_at and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": "有效期须在今后：过期的令牌签发出来也用不了。"})

    def refusal(self, now=None) -> str:
        """Why the token is refused now, in Chinese; "" while it is good."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "令牌已被吊销，请联系管理员重新签发。"
        if self.expires_at <= now:
            local = timezone.localtime(self.expires_at)
            return f"令牌已于 {local:%Y-%m-%d %H:%M} 过期，请联系管理员重新签发。"
        if not self.client.is_active or not self.client.service_user.is_active:
            return "该系统的接口权限已停用。"
        return ""


class ApiCall(models.Model):
    """One call to the API, answered or refused: by which token (none when the token was
    missing or unknown), what was asked, the answer's status, and the import it concerned."""

    token = models.ForeignKey(
        ApiToken,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("API token"),
    )
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status code"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    figure_import = models.ForeignKey(
        FigureImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statistics import"),
    )
    error = models.CharField(_("reason refused"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [models.Index(fields=["token", "at"], name="api_calls_by_token")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
