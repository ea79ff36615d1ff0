from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UpdateStatus(models.TextChoices):
    """The stored workflow state of a monthly update."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class DueStatus(models.TextChoices):
    """What a unit and the DRC see: the workflow state read against the deadline."""

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED_ON_TIME = "on_time", _("Submitted on time")
    SUBMITTED_LATE = "late", _("Submitted late")
    OVERDUE = "overdue", _("Overdue")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class Light(models.TextChoices):
    GREEN = "green", _("On track")
    # A supervised item on track is blue (蓝), as in the city's supervision (督办) practice.
    BLUE = "blue", pgettext_lazy("light", "On track")
    YELLOW = "yellow", _("Deadline near")
    RED = "red", _("Overdue")
    NONE = "none", _("Done")


class Section(models.TextChoices):
    """The sections of an update; the first six are the six elements (六要素)."""

    ORGANISATION = "organisation", _("Organisational leadership")
    ROADMAP = "roadmap", _("Industry development roadmap")
    POLICY = "policy", _("Policy")
    PLATFORM = "platform", _("Platforms and carriers")
    PROJECTS = "projects", _("Project planning")
    INVESTMENT = "investment", _("Targeted investment attraction")
    KEY_PROJECTS = "key_projects", _("Key projects")
    FIGURES = "figures", _("Investment attraction figures")
    PROBLEMS = "problems", _("Problems")
    SUGGESTIONS = "suggestions", _("Suggestions")
    NEXT_PLAN = "next_plan", _("Next month's plan")


SIX_ELEMENTS = [
    Section.ORGANISATION,
    Section.ROADMAP,
    Section.POLICY,
    Section.PLATFORM,
    Section.PROJECTS,
    Section.INVESTMENT,
]

# The text field holding each element's progress.
ELEMENT_FIELDS = {section: f"progress_{section.value}" for section in SIX_ELEMENTS}


class ProjectStage(models.TextChoices):
    """A project's stage in the register (项目库): 策划 → 签约 → 开工 → 投产/达产, or paused or
    ended on the way (暂停、终止, with the reason)."""

    PLANNING = "planning", _("Planning")
    SIGNED = "signed", _("Signed")
    CONSTRUCTION = "construction", _("Under construction")
    OPERATING = "operating", _("In operation")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Terminated")

    @classmethod
    def active_values(cls) -> list[str]:
        """The stages a project is still followed in, month after month."""
        return [cls.PLANNING, cls.SIGNED, cls.CONSTRUCTION, cls.PAUSED]

    @classmethod
    def needs_reason(cls) -> list[str]:
        return [cls.PAUSED, cls.STOPPED]


class ProjectEventKind(models.TextChoices):
    CREATED = "created", _("Registered")
    CHANGED = "changed", _("Changed")
    REPORTED = "reported", _("Reported in a monthly update")
    REMOVED = "removed", _("Removed")
    RESTORED = "restored", _("Restored")


class ProblemType(models.TextChoices):
    LAND = "land", _("Land and space")
    FUNDING = "funding", _("Funding")
    TALENT = "talent", _("Talent")
    APPROVALS = "approvals", _("Approvals")
    ENERGY = "energy", _("Energy and other production factors")
    MARKET = "market", _("Market")
    OTHER = "other", _("Other")


class EventKind(models.TextChoices):
    """Entries of an update's history; every service write leaves exactly one."""

    CREATED = "created", pgettext_lazy("update history", "Created")
    CARRIED_OVER = "carried_over", _("Started from last month")
    SAVED = "saved", pgettext_lazy("update history", "Saved")
    AUTOSAVED = "autosaved", _("Saved automatically")
    SUBMITTED = "submitted", pgettext_lazy("update history", "Submitted")
    RESUBMITTED = "resubmitted", pgettext_lazy("update history", "Resubmitted")
    WITHDRAWN = "withdrawn", pgettext_lazy("update history", "Withdrawn")
    RETURNED = "returned", pgettext_lazy("update history", "Returned")
    ACCEPTED = "accepted", pgettext_lazy("update history", "Accepted")
    UNLOCKED = "unlocked", pgettext_lazy("update history", "Unlocked")
    REOPENED = "reopened", _("Reopened after the lock date")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    ATTACHMENT_REMOVED = "attachment_removed", _("Attachment removed")
    CONTRIBUTION_ADDED = "contribution_added", _("Input added")
    CONFLICT_KEPT = "conflict_kept", _("Refused concurrent save (text kept)")
    # Written by a migration, never by a user: e.g. a negative amount cleared (0010).
    CORRECTED = "corrected", _("Corrected by the system")


class ReminderStep(models.TextChoices):
    BEFORE = "before", _("Before the deadline")
    DUE_TODAY = "due_today", _("Deadline today")
    OVERDUE = "overdue", pgettext_lazy("reminder", "Overdue")
    DRC_SUMMARY = "drc_summary", _("Overdue summary for the DRC")
    CONTRIBUTION = "contribution", _("Responsible units' inputs due")


class ProblemStatus(models.TextChoices):
    # "Open" is also the link that opens an item (查看), and "Awaiting a coordination meeting"
    # also heads the dashboard's list of problems still waiting for their meeting: the
    # context keeps each status its own Chinese word.
    OPEN = "open", pgettext_lazy("problem status", "Open")
    ESCALATED = "escalated", pgettext_lazy("problem status", "Awaiting a coordination meeting")
    IN_MEETING = "in_meeting", _("On a meeting's agenda")
    ASSIGNED = "assigned", pgettext_lazy("problem status", "Assigned as an item")
    RESOLVED = "resolved", _("Resolved")


class ActionSource(models.TextChoices):
    """Where a supervised item (督办事项) comes from."""

    PROBLEM = "problem", _("A problem assigned by the DRC")
    MEETING = "meeting", _("A coordination meeting's decision")
    INSTRUCTION = "instruction", _("A leader's instruction (批示)")


class ActionStatus(models.TextChoices):
    """交办 → 签收 → 办理 → 反馈 → 复核 → 办结; or cancelled, or merged into another item."""

    ASSIGNED = "assigned", pgettext_lazy("action item", "Assigned, awaiting acknowledgement")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", pgettext_lazy("action item", "Reported done, awaiting review")
    CLOSED = "closed", _("Closed (销号)")
    CANCELLED = "cancelled", pgettext_lazy("action item", "Cancelled")
    MERGED = "merged", pgettext_lazy("action item", "Merged into another item")

    @classmethod
    def open_values(cls) -> list[str]:
        """The states in which an item is still someone's work (and can be overdue)."""
        return [cls.ASSIGNED, cls.IN_PROGRESS, cls.REPORTED]


class ChaseStep(models.TextChoices):
    """A chase (催办) of an item: automatic on the working-day calendar, or by the DRC."""

    ACKNOWLEDGE = "acknowledge", _("Not yet acknowledged")
    BEFORE = "before", pgettext_lazy("chase", "Deadline near")
    DUE_TODAY = "due_today", _("Deadline today")
    OVERDUE = "overdue", pgettext_lazy("chase", "Overdue")
    ESCALATED = "escalated", _("Overdue, escalated to the DRC and the lead official")
    MANUAL = "manual", _("Chased by the DRC")


class ActionEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("action item", "Created")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("action item", "Acknowledged (签收)")
    PROGRESS = "progress", _("Progress reported")
    CO_INPUT = "co_input", pgettext_lazy("action item", "Input from a co-unit")
    REPORTED = "reported", pgettext_lazy("action item", "Reported done (反馈)")
    RETURNED = "returned", pgettext_lazy("action item", "Sent back after review")
    # History entries name what was done (申请延期), the status what the item is (已申请延期).
    EXTENSION_REQUESTED = "extension_requested", pgettext_lazy("action item", "Extension requested")
    EXTENSION_GRANTED = "extension_granted", pgettext_lazy("action item", "Extension granted")
    EXTENSION_REFUSED = "extension_refused", pgettext_lazy("action item", "Extension refused")
    CLOSED = "closed", pgettext_lazy("action item", "Closed (销号)")
    CANCELLED = "cancelled", pgettext_lazy("action item history", "Cancelled")
    MERGED = "merged", pgettext_lazy("action item history", "Merged into another item")
    MERGED_IN = "merged_in", pgettext_lazy("action item", "Another item merged into this one")
    LINKED = "linked", pgettext_lazy("action item", "A problem linked to this item")
    INSTRUCTED = "instructed", pgettext_lazy("action item", "Instruction (批示)")


class PlanEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("plan history", "Created")
    SAVED = "saved", pgettext_lazy("plan history", "Saved")
    SUBMITTED = "submitted", pgettext_lazy("plan history", "Submitted")
    RETURNED = "returned", pgettext_lazy("plan history", "Returned")
    ACCEPTED = "accepted", pgettext_lazy("plan history", "Accepted")
    PROGRESS = "progress", _("Progress recorded")


class LandKind(models.TextChoices):
    SUPPLIED = "supplied", _("Industrial land supplied")
    MIXED_USE = "mixed_use", _("Mixed-use plot")
    STANDARD_LAND = "standard_land", _('"Standard land" plot')
    INEFFICIENT = "inefficient", _("Inefficient land consolidated")
    FACTORY = "factory", _("General-purpose factory space")
    ENCLAVE = "enclave", _("Enclave cooperation")
    UNSUPPLIED = "unsupplied", _("Approved but unsupplied land to dispose of")


class LandStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Completed")


class AreaUnit(models.TextChoices):
    MU = "mu", _("mu (亩)")
    SQUARE_METRE = "m2", _("square metres")

    @classmethod
    def to_mu(cls, area: Decimal, unit: str) -> Decimal:
        if unit == cls.SQUARE_METRE:
            return area * 15 / 10000
        return area


class AssessmentMetric(models.TextChoices):
    """What an assessment indicator measures, each computed from the portal's own data."""

    # xgettext:no-python-format
    TIMELINESS = "timeliness", _("Reporting timeliness (% of reports on time)")
    PLAN_COMPLETION = "plan_completion", _("Work plan completion (%)")
    FIGURE_GROWTH = "figure_growth", _("Leading industries' output growth (% year on year)")
    ENTERPRISES = "enterprises", _("Key enterprises with a cultivation tier")
    OPEN_ACTIONS = "open_actions", _("Overdue action items (lower is better)")
    LEADS_SIGNED = "leads_signed", _("Investment leads signed")

    @property
    def lower_is_better(self) -> bool:
        return self == AssessmentMetric.OPEN_ACTIONS


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly consolidated report")
    QUARTERLY = "quarterly", _("Quarterly consolidated report")
    ANNUAL = "annual", _("Annual report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report", "Draft")
    FINAL = "final", _("Final")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
