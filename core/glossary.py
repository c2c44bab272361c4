"""One Swedish term for every model, value, role and page: the pages and the PDF both use it."""
from enum import StrEnum

from core import enums

MODELS = {
    "Organisation": "Organisation",
    "Clinic": "Klinik",
    "User": "Användare",
    "UserClinic": "Klinikkoppling",
    "Document": "Dokument",
    "AnnualReport": "Strålskyddsbokslut",
    "ReportSummary": "Sammanfattning",
    "Goal": "Mål",
    "Indicator": "Indikator",
    "Finding": "Brist",
    "Review": "Genomgång",
    "Attendance": "Närvaro",
    "AgendaItem": "Dagordningspunkt",
    "Action": "Åtgärd",
    "FollowUp": "Uppföljning",
    "FindingDecision": "Beslut om brist",
    "Signature": "Justering",
    "MinutesVersion": "Protokollversion",
    "AssessmentTemplate": "Egenkontrollmall",
    "Criterion": "Kriterium",
    "SelfAssessment": "Egenkontroll",
    "Answer": "Bedömning",
    "HistoryEntry": "Ändringshistorik",
    "HistoryChain": "Ändringshistorikens kedja",
    "ClinicalAudit": "Klinisk revision",
    "SafetyEvent": "Händelse",
    "TrainingRecord": "Utbildning i strålskydd",
    "DosimetryRecord": "Persondosimetri",
    "DrlStatus": "Diagnostiska standardnivåer",
    "Reminder": "Påminnelse",
}

VALUES: dict[type[StrEnum], dict[str, str]] = {
    enums.Role: {
        "admin": "Administratör",
        "strateg": "Strålsäkerhetsstrateg",
        "verksamhetschef": "Verksamhetschef",
        "samordnare": "Strålsäkerhetssamordnare",
        "deltagare": "Deltagare",
        "lasare": "Läsare",
    },
    enums.Modality: {
        "xray": "Röntgen",
        "nuclear_medicine": "Nuklearmedicin",
        "radiotherapy": "Strålbehandling",
        "intervention": "Intervention",
        "dental": "Tandvård",
        "other": "Annat",
    },
    enums.GoalAssessment: {
        "met": "Uppfyllt",
        "partly_met": "Delvis uppfyllt",
        "not_met": "Ej uppfyllt",
        "not_assessed": "Ej bedömt",
    },
    enums.Direction: {
        "higher_is_better": "Högre är bättre",
        "lower_is_better": "Lägre är bättre",
        "none": "Ingen",
    },
    enums.Severity: {"high": "Hög", "medium": "Medel", "low": "Låg"},
    enums.FindingSource: {
        "inspection": "Tillsyn",
        "self_assessment": "Egenkontroll",
        "incident": "Avvikelse",
        "clinical_audit": "Klinisk revision",
        "annual_report": "Bokslut",
        "figure_check": "Kontroll mot gränsvärde",
        "other": "Annat",
    },
    enums.SummaryPart: {
        "how_conducted": "Så har strålskyddsarbetet bedrivits",
        "actions_taken": "Vidtagna åtgärder",
        "results": "Uppnådda resultat",
    },
    enums.ReviewStatus: {
        "preparation": "Förbereds",
        "called": "Kallad",
        "meeting": "Möte pågår",
        "approval": "Under justering",
        "approved": "Justerad",
    },
    enums.MeetingRole: {
        "head_of_department": "Verksamhetschef",
        "coordinator": "Strålsäkerhetssamordnare",
        "protection_officer": "Strålskyddsombud",
        "physicist": "Verksamhetsansvarig sjukhusfysiker",
        "radiology_lead": "Radiologisk ledningsfunktion",
        "first_line_manager": "Första linjens chef",
        "other": "Övrig",
    },
    enums.AttendanceStatus: {
        "invited": "Kallad",
        "present": "Närvarande",
        "absent": "Frånvarande",
        "stand_in": "Ersättare",
    },
    enums.ActionStatus: {
        "not_started": "Ej påbörjad",
        "in_progress": "Pågår",
        "done": "Klar",
        "cancelled": "Avskriven",
    },
    enums.Priority: {"high": "Hög", "medium": "Medel", "low": "Låg"},
    enums.StaffGroup: {
        "physicians": "Läkare", "radiographers": "Röntgensjuksköterskor", "surgical_staff": "Operationspersonal",
        "nurses": "Sjuksköterskor", "physicists": "Sjukhusfysiker", "engineers": "Medicintekniker",
        "other": "Övriga",
    },
    enums.SafetyEventKind: {"reported_to_ssm": "Rapporterad till SSM", "internal": "Intern avvikelse"},
    enums.EventConcerns: {"patient": "Patient", "carer": "Stödperson", "research_subject": "Forskningsperson",
                          "worker": "Arbetstagare", "public": "Allmänheten", "other": "Annan"},
    enums.SafetyEventStatus: {"open": "Öppen", "report_sent": "Skriftlig rapport inskickad", "closed": "Avslutad"},
    enums.SignatureRole: {
        "chair": "Ordförande",
        "secretary": "Protokollförare",
        "adjuster": "Justerare",
    },
    enums.HistoryOperation: {
        "create": "Skapad",
        "update": "Ändrad",
        "delete": "Borttagen",
        "approve": "Justerad",
        "reopen": "Återöppnad",
    },
}

# The definite form, for sentences like "Någon annan har ändrat åtgärden".
DEFINITE = {"Action": "åtgärden", "Clinic": "kliniken", "User": "användaren", "Review": "genomgången"}

PAGES = {
    "overview": "Översikt",
    "review": "Genomgång",
    "meeting": "Möte",
    "actions": "Åtgärder",
    "self_assessment": "Egenkontroll",
    "annual_report": "Strålskyddsbokslut",
    "annual_report_import": "Läs in bokslut",
    "clinical_audits": "Kliniska revisioner",
    "events": "Händelser och avvikelser",
    "clinics": "Kliniker",
    "users": "Användare",
    "templates": "Mallar",
    "account": "Mitt konto",
    "verify": "Kontrollera protokoll",
}

GROUPS = {
    "start": "Start",
    "review": "Årets genomgång",
    "basis": "Underlag",
    "administration": "Administration",
    "account": "Konto",
}

FIELDS = {
    "code": "Klinikkod",
    "name": "Namn",
    "clinic_name": "Klinik",
    "site": "Sjukhus",
    "modalities": "Modaliteter",
    "head_name": "Verksamhetschef",
    "coordinator_name": "Strålsäkerhetssamordnare",
    "protection_officer_name": "Strålskyddsombud",
    "physicist_name": "Verksamhetsansvarig sjukhusfysiker",
    "radiology_lead_name": "Radiologisk ledningsfunktion",
    "answers_to": "Svarar mot",
    "investigation_hp10": "Utredningsnivå Hp(10) (mSv)",
    "investigation_hp3": "Utredningsnivå Hp(3) ögonlins (mSv)",
    "investigation_extremity": "Utredningsnivå extremitetsdos (mSv)",
    "username": "Användarnamn",
    "email": "E-post",
    "role": "Roll",
    "clinics": "Kliniker",
    "active": "Aktiv",
    "password": "Lösenord",
    "year": "År",
    # what the history shows of reviews, attendance, actions, decisions and notes
    "status": "Status", "meeting_date": "Datum", "start_time": "Starttid", "end_time": "Sluttid",
    "location": "Plats", "video_link": "Videolänk", "protocol_number": "Protokollnummer", "title": "Åtgärd",
    "description": "Beskrivning", "owner_name": "Ansvarig", "owner_role": "Ansvarigs roll",
    "due_date": "Klart senast", "priority": "Prioritet", "done_on": "Klar den", "cancel_reason": "Skäl",
    "notes": "Anteckningar", "decisions": "Beslut", "next_review_date": "Nästa genomgång",
    "status_comment": "Kommentar", "stand_in_for": "Ersätter", "meeting_role": "Roll vid mötet",
    "no_action_reason": "Motivering", "decided_at": "Beslutad", "approved_at": "Justerad",
    "new_due_date": "Ny tidpunkt", "original_due_date": "Tidigare tidpunkt", "reason": "Motivering",
    "licence_number": "SSM:s tillståndsnummer", "licence_holder": "Tillståndshavare",
    "kind": "Typ", "occurred_on": "Inträffade", "ssm_reference": "SSM:s diarienummer",
    "report_due": "Skriftlig rapport senast", "report_sent_on": "Rapport inskickad",
    "concerns": "Berör", "notified_on": "Första rapport till SSM",
    # what the bokslut's workbook and the audit register hold
    "prepared_by": "Upprättad av", "version_label": "Version", "reference": "Referens", "area": "Område",
    "unit": "Enhet", "target": "Målvärde", "outcome": "Utfall", "filename": "Filnamn", "auditors": "Revisorer",
    "scope": "Omfattning", "audit_date": "Datum", "finding_id": "Brist",
}

# Labels the pages and documents show: buttons, fields, headings, table columns. A concept that already has a
# term above (FIELDS, MODELS, PAGES, VALUES via term()) uses that term; LABELS holds only what is not there.
# A label with a placeholder is a template for str.format, e.g. LABELS["page_of"].format(pages=3).
LABELS = {
    # common actions
    "save": "Spara", "save_changes": "Spara ändringar",
    "yes": "Ja", "no": "Nej",
    "optional": "valfri", "time_format": "TT:MM",
    # common columns and filters
    "number": "Nr", "date": "Datum", "time": "Tid", "what": "Vad",
    "missing": "Saknas",
    "loaded": "Inläst", "whole_organisation": "Hela organisationen", "applies_to": "Gäller",
    "severity": "Allvarlighet", "findings": "Brister",
    "indicators": "Indikatorer", "basis": "Underlag", "change_kind": "Ändring",
    "review_year": "Genomgångsår",
    # users and account
    "new_password": "Nytt lösenord",
    "change_password": "Byt lösenord",
    "reset_password": "Återställ lösenord",
    "add_user": "Lägg till användare",
    # clinics and the licence holder
    "add_clinic": "Lägg till klinik",
    "portal_name": "Strålsäkerhetsportalen", "log_in": "Logga in",
    "organisation_name": "Organisationens namn",
    # actions (the handlingsplan)
    "overdue_count": "Försenade",
    "last_followed_up": "Senast uppföljd",
    "open_actions": "Öppna åtgärder",
    # overview
    "report_of_year": "Bokslut {year}",
    "code_short": "Kod",
    # strålskyddsbokslut and its import
    "goal_assessment": "Bedömning",
    "against_target": "Mot målet",
    # egenkontroll and staffing
    "answered": "Besvarade",
    "score_year": "Poäng {year}",
    "recommendation": "Rekommendation",
    "staff_group": "Personalgrupp",
    "staff_count": "Anställda", "trained_count": "Utbildade",
    "rule": "Regel",
    # templates
    "agenda": "Dagordning",
    # clinical audits
    "whole_activity": "Hela verksamheten",
    "finding_n": "Brist {n}",
    # events and deviations
    "overdue_reports": "Skriftliga rapporter till SSM som är försenade ({count})",
    "written_report": "Skriftlig rapport till SSM",
    # the review (genomgång): prepare, call, approve, done
    "invited": "Kallade", "invitation": "Kallelse",
    # the meeting (möte)
    "status_at_meeting": "Status vid mötet",
    "decide_action": "Besluta åtgärd",
    # the printed minutes
    "minutes_number": "Protokoll nr {number}",
    "key_indicators_over_years": "Nyckelindikatorer över åren",
}

# Overdue is computed from the due date, so it is not an ActionStatus value.
OVERDUE = "Försenad"


def term(value: StrEnum | str, kind: type[StrEnum] | None = None) -> str:
    """Return the Swedish term for an enum value (or a plain value of the given enum type)."""
    enum = kind or type(value)
    return VALUES[enum][str(value)]  # type: ignore[index]  # a plain str has no terms: KeyError, as it should


def options(kind: type[StrEnum]) -> dict[str, str]:
    """Return value → Swedish term for an enum, in its defined order."""
    return {member.value: VALUES[kind][member.value] for member in kind}


def parse(kind: type[StrEnum], text: str) -> StrEnum | None:
    """Find the enum value whose Swedish term matches text (case and surrounding spaces ignored)."""
    wanted = text.strip().casefold()
    for member in kind:
        if VALUES[kind][member.value].casefold() == wanted:
            return member
    return None
