"""The reporting app's models: monthly updates and their coordination loop, yearly work plans,
land items, the district assessment's indicators and the statistics bureau's analysis."""

from reporting.analysis.models import AnalysisEvent, StatisticsAnalysis
from reporting.assessment.models import AssessmentIndicator, DistrictNarrative
from reporting.comments.models import Comment
from reporting.innovation.models import (
    InnovationEvent,
    InnovationPlatform,
    ResultTransfer,
    TalentIntake,
    TechMilestone,
    TechProject,
)
from reporting.land.models import LandItem
from reporting.leads.models import InvestmentLead, LeadEvent
from reporting.notices.models import NoticePreference, UnitWebhook
from reporting.outbox.models import OutboxMessage
from reporting.periods.models import CalendarOverride, CalendarYear, ReportingPeriod
from reporting.plans.models import PlanEvent, PlanItem, PlanProgress, PlanYear, WorkPlan
from reporting.projects.models import Project, ProjectEvent
from reporting.reports.models import Report, ReportDocument, ReportJob, ReportReminder
from reporting.supervision.models import (
    ActionChase,
    ActionEvent,
    ActionFile,
    ActionItem,
    Instruction,
    Meeting,
    SupervisionRules,
)
from reporting.updates.models import (
    Attachment,
    Contribution,
    KeyProject,
    MonthlyUpdate,
    Problem,
    Reminder,
    UpdateEvent,
    attachment_path,
)

__all__ = [
    "ActionChase",
    "ActionEvent",
    "ActionFile",
    "ActionItem",
    "AnalysisEvent",
    "AssessmentIndicator",
    "Attachment",
    "CalendarOverride",
    "CalendarYear",
    "Comment",
    "Contribution",
    "DistrictNarrative",
    "InnovationEvent",
    "InnovationPlatform",
    "Instruction",
    "InvestmentLead",
    "KeyProject",
    "LandItem",
    "LeadEvent",
    "Meeting",
    "MonthlyUpdate",
    "NoticePreference",
    "OutboxMessage",
    "PlanEvent",
    "PlanItem",
    "PlanProgress",
    "PlanYear",
    "Problem",
    "Project",
    "ProjectEvent",
    "Reminder",
    "Report",
    "ReportDocument",
    "ReportJob",
    "ReportReminder",
    "ReportingPeriod",
    "ResultTransfer",
    "StatisticsAnalysis",
    "SupervisionRules",
    "TalentIntake",
    "TechMilestone",
    "TechProject",
    "UnitWebhook",
    "UpdateEvent",
    "WorkPlan",
    "attachment_path",
]
