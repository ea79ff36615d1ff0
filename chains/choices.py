from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryCode(models.TextChoices):
    PILLAR = "pillar", _("Pillar industry cluster")
    EMERGING = "emerging", _("Strategic emerging industry")
    FUTURE = "future", _("Future industry")


class UnitKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal department")
    DISTRICT = "district", _("District")
    ZONE = "zone", _("Development zone")
    CENTRAL = "central", _("Central-government branch")


class UnitRole(models.TextChoices):
    """A unit's part in one industry's assignment."""

    LEAD = "lead", _("Lead unit")
    RESPONSIBLE = "responsible", _("Responsible unit")


class LoadedTable(models.TextChoices):
    """The tables a management command loads from a file (see MatrixChange)."""

    MATRIX = "matrix", _("Responsibility matrix")
    INDICATORS = "indicators", _("Statistics indicators")
    ASSESSMENT_INDICATORS = "assessment_indicators", _("Assessment indicators")
    VALIDATION_RULES = "validation_rules", _("Validation rules and outlier thresholds")


class ChangeMethod(models.TextChoices):
    """How a change to the matrix (or a loaded table) was made (see MatrixChange)."""

    FORM = "form", _("Admin form")
    IMPORT = "import", _("Admin import")
    COMMAND = "command", _("Management command")


# The six future industries share one assignment; every other industry has its own.
SHARED_FUTURE_ASSIGNMENT = "future"

# The source writes "各区" for the six districts; files may use it as a shorthand.
ALL_DISTRICTS = "各区"
LIST_SEPARATOR = "、"


class ImportKind(models.TextChoices):
    INDUSTRY_FIGURES = "industry_figures", _("Industry figures")
    ENTERPRISES = "enterprises", _("Key enterprises")
    ENTERPRISE_FIGURES = "enterprise_figures", _("Enterprise figures")
