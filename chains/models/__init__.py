"""The chains app's models: the responsibility matrix, and the statistics bureau's figures."""

from chains.api.models import ApiCall, ApiClient, ApiToken
from chains.cultivation.models import DoublingTarget
from chains.figures.models import (
    Enterprise,
    EnterpriseFigure,
    EnterpriseTier,
    FigureImport,
    Indicator,
    IndustryFigure,
    TierStage,
)
from chains.matrix.models import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    BilingualNameMixin,
    Category,
    Industry,
    IndustryGroupObjectPermission,
    IndustryUserObjectPermission,
    MatrixChange,
    Official,
    SubSegment,
    Unit,
)
from chains.policies.models import Instrument, Policy, PolicyEvaluation
from chains.quality.models import (
    FigureFlag,
    IndustryMeasure,
    OutlierThreshold,
    ValidationRule,
)
from chains.space.models import CarrierArea, CarrierKind, LeadingIndustry
from chains.teams.models import TeamChange, TeamMember, TeamRole

__all__ = [
    "ApiCall",
    "ApiClient",
    "ApiToken",
    "Assignment",
    "AssignmentOfficial",
    "AssignmentUnit",
    "BilingualNameMixin",
    "CarrierArea",
    "CarrierKind",
    "Category",
    "DoublingTarget",
    "Enterprise",
    "EnterpriseFigure",
    "EnterpriseTier",
    "FigureFlag",
    "FigureImport",
    "Indicator",
    "Industry",
    "IndustryFigure",
    "IndustryGroupObjectPermission",
    "IndustryMeasure",
    "IndustryUserObjectPermission",
    "Instrument",
    "LeadingIndustry",
    "MatrixChange",
    "Official",
    "OutlierThreshold",
    "Policy",
    "PolicyEvaluation",
    "SubSegment",
    "TeamChange",
    "TeamMember",
    "TeamRole",
    "TierStage",
    "Unit",
    "ValidationRule",
]
