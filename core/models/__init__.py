"""The domain model (docs/DESIGN.md §2): one table per concept, English names, Swedish labels in glossary.

Value sets are stored as plain strings (see core/enums.py) so that PostgreSQL needs no enum types
and adding a value never needs a migration. Timestamps are aware datetimes, stored as UTC.
"""
from core.models._base import ENUM_LEN, Stored, stored_id
from core.models.annual_report import (
    AnnualReport,
    DosimetryRecord,
    DrlStatus,
    Finding,
    Goal,
    Indicator,
    ReportSummary,
    TrainingRecord,
)
from core.models.events import SafetyEvent
from core.models.organisation import Clinic, Document, Organisation, User, UserClinic
from core.models.registers import ClinicalAudit, HistoryChain, HistoryEntry, Reminder
from core.models.review import (
    Action,
    AgendaItem,
    Attendance,
    FindingDecision,
    FollowUp,
    MinutesVersion,
    Review,
    Signature,
)
from core.models.self_assessment import Answer, AssessmentTemplate, Criterion, SelfAssessment

__all__ = [
    "ENUM_LEN", "Stored", "stored_id", "Organisation", "Clinic", "User", "UserClinic", "Document",
    "AnnualReport", "ReportSummary", "Goal", "Indicator", "Finding", "TrainingRecord", "DosimetryRecord",
    "DrlStatus", "SafetyEvent", "Review", "Attendance", "AgendaItem", "Action", "FindingDecision", "FollowUp",
    "Signature", "MinutesVersion", "AssessmentTemplate", "Criterion", "SelfAssessment", "Answer",
    "ClinicalAudit", "Reminder", "HistoryEntry", "HistoryChain",
]
