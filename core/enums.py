"""The fixed value sets of the domain; their Swedish terms are in core/glossary.py."""
from enum import StrEnum


class Role(StrEnum):
    """What a user may do (docs/DESIGN.md §4)."""

    ADMIN = "admin"
    STRATEG = "strateg"
    VERKSAMHETSCHEF = "verksamhetschef"
    SAMORDNARE = "samordnare"
    DELTAGARE = "deltagare"
    LASARE = "lasare"


class Modality(StrEnum):
    """Kind of work with ionising radiation at a clinic."""

    XRAY = "xray"
    NUCLEAR_MEDICINE = "nuclear_medicine"
    RADIOTHERAPY = "radiotherapy"
    INTERVENTION = "intervention"
    DENTAL = "dental"
    OTHER = "other"


class GoalAssessment(StrEnum):
    """How well a goal was met."""

    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_ASSESSED = "not_assessed"


class Direction(StrEnum):
    """Which way an indicator should move."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NONE = "none"


class Severity(StrEnum):
    """How serious a finding is."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class FindingSource(StrEnum):
    """Where a finding came from."""

    INSPECTION = "inspection"
    SELF_ASSESSMENT = "self_assessment"
    INCIDENT = "incident"
    CLINICAL_AUDIT = "clinical_audit"
    ANNUAL_REPORT = "annual_report"
    FIGURE_CHECK = "figure_check"  # made by the import: a dose or DRL above its limit
    OTHER = "other"


class SummaryPart(StrEnum):
    """The three parts of the bokslut that SSMFS 2018:5 3 kap. 13 § requires."""

    HOW_CONDUCTED = "how_conducted"
    ACTIONS_TAKEN = "actions_taken"
    RESULTS = "results"


class ReviewStatus(StrEnum):
    """Where a review stands, from preparation to approved minutes."""

    PREPARATION = "preparation"
    CALLED = "called"
    MEETING = "meeting"
    APPROVAL = "approval"
    APPROVED = "approved"

    @classmethod
    def editable_values(cls) -> tuple[str, ...]:
        """Return the statuses in which the minutes may still change (before justering)."""
        return cls.PREPARATION.value, cls.CALLED.value, cls.MEETING.value


class MeetingRole(StrEnum):
    """The role a person has at the review; the first six are required by the routine."""

    HEAD_OF_DEPARTMENT = "head_of_department"
    COORDINATOR = "coordinator"
    PROTECTION_OFFICER = "protection_officer"
    PHYSICIST = "physicist"
    RADIOLOGY_LEAD = "radiology_lead"
    FIRST_LINE_MANAGER = "first_line_manager"
    OTHER = "other"


class AttendanceStatus(StrEnum):
    """Whether an invited person came."""

    INVITED = "invited"
    PRESENT = "present"
    ABSENT = "absent"
    STAND_IN = "stand_in"

    @classmethod
    def attended_values(cls) -> tuple[str, ...]:
        """Return the statuses of someone at the meeting (present, or standing in)."""
        return cls.PRESENT.value, cls.STAND_IN.value


class ActionStatus(StrEnum):
    """An action's state; overdue is computed, never stored."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @classmethod
    def open_values(cls) -> tuple[str, ...]:
        """Return the statuses of an action still to be carried out."""
        return cls.NOT_STARTED.value, cls.IN_PROGRESS.value

    @classmethod
    def closed_values(cls) -> tuple[str, ...]:
        """Return the statuses of an action that needs nothing more (done, or cancelled with a reason)."""
        return cls.DONE.value, cls.CANCELLED.value


class Priority(StrEnum):
    """How urgent an action is."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class SignatureRole(StrEnum):
    """In what capacity someone approves the minutes."""

    CHAIR = "chair"
    SECRETARY = "secretary"
    ADJUSTER = "adjuster"


class HistoryOperation(StrEnum):
    """What kind of change a history entry records."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    APPROVE = "approve"
    REOPEN = "reopen"


class SafetyEventKind(StrEnum):
    """What kind of radiation-safety event is registered."""

    REPORTED = "reported_to_ssm"  # reported to SSM; a written report is due within three months
    INTERNAL = "internal"  # an internal deviation of importance for radiation protection


class EventConcerns(StrEnum):
    """Whom a radiation-safety event concerns; SSMFS 2018:5 3 kap. 10 § covers the first three."""

    PATIENT = "patient"
    CARER = "carer"  # stödperson: helps and supports the patient outside work and is knowingly exposed
    RESEARCH_SUBJECT = "research_subject"
    WORKER = "worker"
    PUBLIC = "public"
    OTHER = "other"


class SafetyEventStatus(StrEnum):
    """Where a registered event stands."""

    OPEN = "open"
    REPORT_SENT = "report_sent"
    CLOSED = "closed"


class StaffGroup(StrEnum):
    """A staff group whose radiation-protection training and doses the bokslut reports."""

    PHYSICIANS = "physicians"
    RADIOGRAPHERS = "radiographers"
    SURGICAL_STAFF = "surgical_staff"
    NURSES = "nurses"
    PHYSICISTS = "physicists"
    ENGINEERS = "engineers"
    OTHER = "other"
