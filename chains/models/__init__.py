"""The chains app's models: the responsibility matrix, and the statistics bureau's figures."""

from .figures import (
    Enterprise,
    EnterpriseFigure,
    EnterpriseTier,
    FigureImport,
    Indicator,
    IndustryFigure,
)
from .matrix import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    BilingualNameMixin,
    Category,
    Industry,
    IndustryGroupObjectPermission,
    IndustryUserObjectPermission,
    Official,
    SubSegment,
    Unit,
)

__all__ = [
    "Assignment",
    "AssignmentOfficial",
    "AssignmentUnit",
    "BilingualNameMixin",
    "Category",
    "Enterprise",
    "EnterpriseFigure",
    "EnterpriseTier",
    "FigureImport",
    "Indicator",
    "Industry",
    "IndustryFigure",
    "IndustryGroupObjectPermission",
    "IndustryUserObjectPermission",
    "Official",
    "SubSegment",
    "Unit",
]
