"""The 4+4+6 responsibility matrix: categories, industries, officials, units and who does what."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from chains.choices import CategoryCode, ChangeMethod, LoadedTable, UnitKind, UnitRole


def display_name(name: str, name_en: str | None) -> str:
    """Data names are Chinese first; the English name shows when the UI is in English."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class BilingualNameMixin:
    """Data names are Chinese first; the English name shows when the UI is in English."""

    @property
    def display_name(self) -> str:
        return display_name(self.name, getattr(self, "name_en", ""))


class CodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class NameManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Category(BilingualNameMixin, models.Model):
    """One of the three tiers: 4 pillar clusters, 4 strategic emerging, 6 future industries."""

    code = models.CharField(_("code"), max_length=16, unique=True, choices=CategoryCode.choices)
    name = models.CharField(_("name"), max_length=64, unique=True)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CodeManager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)


class Official(BilingualNameMixin, models.Model):
    """A lead city official (牵头市领导)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32, unique=True)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    group = models.OneToOneField(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("permission group"),
    )

    objects = NameManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("lead city official")
        verbose_name_plural = _("lead city officials")

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.name,)


class Unit(BilingualNameMixin, models.Model):
    """A government unit under its one canonical name (市科技局, never 科技局)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    group = models.OneToOneField(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("permission group"),
    )

    objects = NameManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.name,)


class Assignment(models.Model):
    """Who leads an industry and who supports it.

    Each industry points at one assignment; the six future industries point at the same one,
    so editing it changes all six at once.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    officials = models.ManyToManyField(
        Official,
        through="AssignmentOfficial",
        related_name="assignments",
        verbose_name=_("lead city officials"),
    )
    units = models.ManyToManyField(
        Unit, through="AssignmentUnit", related_name="assignments", verbose_name=_("units")
    )

    objects = CodeManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        names = [industry.name for industry in self.industries.all()]
        return "、".join(names) or self.code

    def natural_key(self):
        return (self.code,)

    # These read the prefetched links (see chains.matrix.selectors) so a page costs no extra queries.
    def official_list(self) -> list[Official]:
        return [link.official for link in self.official_links.all()]

    def lead_unit_list(self) -> list[Unit]:
        return [link.unit for link in self.unit_links.all() if link.role == UnitRole.LEAD]

    def responsible_unit_list(self) -> list[Unit]:
        return [link.unit for link in self.unit_links.all() if link.role == UnitRole.RESPONSIBLE]


class AssignmentOfficial(models.Model):
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="official_links",
        verbose_name=_("assignment"),
    )
    official = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        related_name="assignment_links",
        verbose_name=_("lead city official"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("lead city official")
        verbose_name_plural = _("lead city officials")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "official"], name="unique_official_per_assignment"
            )
        ]

    def __str__(self) -> str:
        return self.official.name


class AssignmentUnit(models.Model):
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="unit_links",
        verbose_name=_("assignment"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignment_links", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=16, choices=UnitRole.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["role", "position", "id"]
        verbose_name = _("assigned unit")
        verbose_name_plural = _("assigned units")
        constraints = [
            # A unit is either a lead or a responsible unit of an industry, never both.
            models.UniqueConstraint(
                fields=["assignment", "unit"], name="unique_unit_per_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} ({self.get_role_display()})"


class Industry(BilingualNameMixin, models.Model):
    """One of the 14 key industries of the 4+4+6 system."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="industries", verbose_name=_("category")
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="industries",
        verbose_name=_("assignment"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = NameManager()

    class Meta:
        ordering = ["category__position", "position", "id"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        permissions = [
            ("file_industry", _("Can file monthly updates for the industry")),
            ("contribute_industry", _("Can contribute inputs to the industry's updates")),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.name,)


class SubSegmentManager(models.Manager):
    def get_by_natural_key(self, industry_name, name):
        return self.get(industry__name=industry_name, name=name)


class SubSegment(BilingualNameMixin, models.Model):
    """A sub-segment (细分领域) of an industry, managed by admins."""

    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="subsegments", verbose_name=_("industry")
    )
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = SubSegmentManager()

    class Meta:
        ordering = ["industry", "position", "name"]
        verbose_name = _("sub-segment")
        verbose_name_plural = _("sub-segments")
        constraints = [
            models.UniqueConstraint(fields=["industry", "name"], name="unique_subsegment_name")
        ]

    def __str__(self) -> str:
        return f"{self.industry.name} · {self.name}"

    def natural_key(self):
        return (self.industry.name, self.name)

    natural_key.dependencies = ["chains.industry"]


# Direct foreign-key object permissions: one indexed join instead of guardian's generic table.
# The fields guardian's bases declare are declared again only to name them in Chinese.
class IndustryUserObjectPermission(UserObjectPermissionBase):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("user")
    )
    permission = models.ForeignKey(
        Permission, on_delete=models.CASCADE, verbose_name=_("permission")
    )
    content_object = models.ForeignKey(
        Industry, on_delete=models.CASCADE, verbose_name=_("industry")
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("industry object permission of a user")
        verbose_name_plural = _("industry object permissions of users")


class IndustryGroupObjectPermission(GroupObjectPermissionBase):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, verbose_name=_("group"))
    permission = models.ForeignKey(
        Permission, on_delete=models.CASCADE, verbose_name=_("permission")
    )
    content_object = models.ForeignKey(
        Industry, on_delete=models.CASCADE, verbose_name=_("industry")
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("industry object permission of a group")
        verbose_name_plural = _("industry object permissions of groups")


class MatrixChange(models.Model):
    """One change to the matrix (or a load of an indicator table): who made it, when, how (the
    admin's form, the admin's import or a management command, with the file), whether it
    replaced what was there, the table as JSON before and after, and what changed, item by
    item, in Chinese. Written in the same transaction as the change, so a record exists
    exactly when the change took effect; never edited or deleted."""

    table = models.CharField(_("table"), max_length=24, choices=LoadedTable.choices)
    method = models.CharField(
        _("made through"),
        max_length=16,
        choices=ChangeMethod.choices,
        default=ChangeMethod.COMMAND,  # every record before 0007 came from a command
    )
    replaced = models.BooleanField(
        _("replaced existing data"),
        default=False,
        help_text=_("False for the first load into an empty table."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("portal account"),
    )
    # A command usually runs without a portal account: keep the operating-system user too.
    actor_name = models.CharField(_("run by"), max_length=150)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    source = models.CharField(_("file"), max_length=500)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    before = models.JSONField(default=list, blank=True, verbose_name=_("before"))
    after = models.JSONField(default=list, blank=True, verbose_name=_("after"))
    # The industries whose row changed (for the matrix): each industry page shows its own.
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="matrix_changes", verbose_name=_("industries")
    )

    class Meta:
        ordering = ["-at", "-id"]
        # The name the portal's page and the issue give it (责任分工变更记录), in the admin too.
        verbose_name = _("change to the division of responsibilities")
        verbose_name_plural = _("changes to the division of responsibilities")

    def __str__(self) -> str:
        return f"{self.get_table_display()} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"
