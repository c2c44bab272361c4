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
    "licence_number": "Tillståndsnummer", "licence_holder": "Tillståndshavare",
    "kind": "Typ", "occurred_on": "Inträffade", "ssm_reference": "SSM:s diarienummer",
    "report_due": "Skriftlig rapport senast", "report_sent_on": "Rapport inskickad",
}

# Labels the pages and documents show: buttons, fields, headings, table columns. A concept that already has a
# term above (FIELDS, MODELS, PAGES, VALUES via term()) uses that term; LABELS holds only what is not there.
# A label with a placeholder is a template for str.format, e.g. LABELS["page_of"].format(pages=3).
LABELS = {
    # common actions
    "save": "Spara", "save_changes": "Spara ändringar", "reload_latest": "Ladda om de senaste uppgifterna",
    "add": "Lägg till", "download": "Ladda ner", "download_pdf": "Ladda ner (PDF)", "yes": "Ja", "no": "Nej",
    "optional": "valfri", "time_format": "TT:MM",
    # common columns and filters
    "number": "Nr", "date": "Datum", "time": "Tid", "who": "Vem", "what": "Vad", "count": "Antal",
    "month": "Månad", "version": "Version", "version_n": "Version {version}", "missing": "Saknas",
    "loaded": "Inläst", "whole_organisation": "Hela organisationen", "applies_to": "Gäller",
    "area": "Område", "severity": "Allvarlighet", "reference": "Referens", "findings": "Brister",
    "indicators": "Indikatorer", "basis": "Underlag", "change_kind": "Ändring", "before": "Före", "after": "Efter",
    "review_year": "Genomgångsår", "report_year": "Bokslutsår",
    # users and account
    "locked": "Låst", "last_login": "Senast inloggad", "demo_account": "Demokonto",
    "first_password": "Första lösenord", "new_password": "Nytt lösenord", "current_password": "Nuvarande lösenord",
    "repeat_new_password": "Upprepa nytt lösenord", "change_password": "Byt lösenord",
    "reset_password": "Återställ lösenord", "active_can_log_in": "Aktiv (kan logga in)",
    "add_user": "Lägg till användare", "edit_user": "Ändra användare",
    # clinics and the licence holder
    "key_people": "Nyckelpersoner", "all_key_people_and_sites": "Alla nyckelpersoner och sjukhus",
    "add_clinic": "Lägg till klinik", "edit_clinic": "Ändra klinik",
    "portal_name": "Strålsäkerhetsportalen", "log_in": "Logga in", "log_out": "Logga ut",
    "organisation_name": "Organisationens namn", "ssm_licence_number": "SSM:s tillståndsnummer",
    # first run
    "first_run": "Första start", "first_admin": "Den första administratören", "setup_code": "Startkod",
    "repeat_password": "Upprepa lösenordet", "set_up_portal": "Lägg upp portalen",
    # actions (the handlingsplan)
    "decided_year": "Beslutad år", "only_mine": "Bara mina", "only_overdue": "Bara försenade",
    "shown_count": "Visas", "overdue_count": "Försenade", "done_all_years": "Klara (alla år)",
    "page_of": "Sida (av {pages})", "export_xlsx": "Exportera till Excel", "export_csv": "Exportera till CSV",
    "update_action": "Uppdatera en åtgärd", "reason_required_for_cancelled": "Skäl (krävs för Avskriven)",
    "last_followed_up": "Senast uppföljd", "action_plan": "Åtgärdsplan",
    "open_actions": "Öppna åtgärder", "done_actions": "Klara åtgärder", "my_actions": "Mina åtgärder ({count})",
    # overview
    "to_approve": "Att justera", "read_and_approve": "Läs och justera", "report_of_year": "Bokslut {year}",
    "review_of_year": "Genomgång {year}", "self_assessment_of_year": "Egenkontroll {year}",
    "approved_minutes": "Justerade protokoll", "code_short": "Kod", "clinical_audit_whole": "Klinisk revision (hela)",
    "the_clinics": "Klinikerna", "open_clinic": "Öppna en klinik", "on_time_share": "Andel klara i tid (%)",
    "unanswered_findings": "Brister i bokslutet {year} utan beslut ({count})", "year_wheel": "Årshjul {year}",
    "my_dates_ics": "Mina datum som kalenderfil (.ics)",
    # strålskyddsbokslut and its import
    "import_annual_report": "Läs in ett strålskyddsbokslut", "goal_id": "Mål-ID", "target": "Målvärde",
    "outcome": "Utfall", "goal_assessment": "Bedömning", "value": "Värde", "unit": "Enhet", "direction": "Riktning",
    "against_target": "Mot målet", "change": "Förändring", "suggested_action": "Förslag till åtgärd",
    "trends": "Trender", "workbook": "Arbetsbok", "narrative": "Bokslut (löptext)",
    "download_blank_template": "Ladda ner tom mall (.xlsx)", "filled_workbook": "Ifylld arbetsbok (.xlsx)",
    "narrative_optional": "Bokslutet som löptext, valfritt (PDF eller Word)",
    "replace_existing_report": "Ersätt ett redan inläst bokslut för samma år", "sheet": "Blad", "new_rows": "Nya",
    "changed_rows": "Ändrade", "removed_rows": "Tas bort", "affected_rows": "{sheet}: raderna som påverkas",
    "replace_report": "Ersätt bokslutet", "load_report": "Läs in bokslutet",
    # egenkontroll and staffing
    "no_self_assessment_yet": "{clinic}: ingen egenkontroll {year} ännu", "how_to_start": "Hur vill du börja?",
    "start_empty": "Börja med en tom egenkontroll",
    "start_copy": "Kopiera svaren från {year} (markeras som ej omprövade tills någon bekräftar dem)",
    "start_self_assessment": "Påbörja egenkontrollen", "answered": "Besvarade", "total_score": "Total poäng",
    "gaps_below_3": "Brister (nivå under 3)", "level": "Nivå", "evidence_link": "Underlag/länk",
    "comment_or_na_reason": "Kommentar (skäl om E/T)", "save_area": "Spara området",
    "attach_evidence_file": "Bifoga underlag (fil)", "attach": "Bifoga", "score": "Poäng",
    "score_year": "Poäng {year}", "score_percent_of_max": "Poäng (% av max)", "results": "Resultat",
    "radiotherapy_staffing": "Bemanning strålbehandling",
    "area_progress": "{area} · {answered} av {total} besvarade · {score}",
    "patients_per_year": "Patienter per år", "machines": "Behandlingsapparater (acceleratorer)",
    "simulations_per_year": "Simuleringar per år", "special_techniques": "Specialtekniker (IMRT, stereotaktisk)",
    "brachy_or_radionuclide": "Brachyterapi eller radionuklidbehandling",
    "in_house_service": "Egen service av apparaterna", "simulator": "Egen simulator",
    "staff_today_fte": "Personal i dag (heltidstjänster)", "save_and_calculate": "Spara och beräkna",
    "profession": "Yrkesgrupp", "minimum_table_1": "Krav enligt Tabell 1 (heltidstjänster)",
    "recommendation": "Rekommendation", "shifts": "Behandlingsskift per dag",
    "protection_figures": "Utbildning, doser och DRL", "staff_group": "Personalgrupp",
    "staff_count": "Anställda", "trained_count": "Utbildade", "share_trained": "Andel utbildade",
    "category_a": "Kategori A", "max_hp10": "Högsta Hp(10) (mSv)", "max_hp3": "Högsta Hp(3) ögonlins (mSv)",
    "max_extremity": "Högsta extremitetsdos (mSv)", "examination": "Undersökningstyp",
    "local_level": "Lokal standardnivå", "national_drl": "Nationell DRL", "determined_on": "Senast bestämd",
    "old_drl": "Diagnostiska standardnivåer äldre än tre år ({count})",
    "enter_training": "Ange utbildningen för {clinic} {year} (ersätter bladet Utbildning för kliniken)",
    "note": "Att veta", "quote_from_regulation": "Citat ur föreskriften", "source": "Källa",
    "shipped_criteria": "Medföljande versioner", "load_shipped_version": "Läs in version {version}", "staff_today": "I dag", "rule": "Regel",
    # templates
    "criteria_sets": "Egenkontrollens kriterier", "criteria": "Kriterier", "used_for_new": "Används för nya",
    "download_current_criteria": "Ladda ner gällande version (YAML)",
    "new_criteria_version": "Ny version av kriterierna (YAML)", "load_new_version": "Läs in den nya versionen",
    "agenda": "Dagordning",
    # clinical audits
    "external": "Extern", "internal": "Intern", "external_audit": "Extern revision",
    "whole_activity": "Hela verksamheten", "auditors": "Revisorer", "download_report": "Ladda ner rapporten",
    "register_audit": "Registrera en revision", "scope": "Omfattning", "audit_summary": "Sammanfattning",
    "audit_findings": "Brister som revisionen fann", "finding_n": "Brist {n}", "report": "Rapport",
    "register_the_audit": "Registrera revisionen",
    # events and deviations
    "register_event": "Registrera en händelse eller avvikelse", "register_the_event": "Registrera händelsen",
    "update_event": "Uppdatera en händelse", "raise_as_finding": "Ta upp som brist vid genomgången",
    "overdue_reports": "Skriftliga rapporter till SSM som är försenade ({count})", "raised": "Upptagen som brist",
    # the review (genomgång): prepare, call, approve, done
    "no_review_yet": "{clinic}: ingen genomgång {year} ännu", "create_review": "Skapa genomgången", "step": "Steg",
    "invited": "Kallade", "invitation": "Kallelse", "edit_agenda": "Ändra dagordningen för detta möte",
    "new_agenda_item": "Ny punkt (läggs före mötets avslutande)", "add_agenda_item": "Lägg till punkten",
    "agenda_item_to_remove": "Punkt att ta bort", "remove_agenda_item": "Ta bort punkten",
    "edit_invitation": "Ändra i kallelsen (fyll i ett namn, byt person eller ta bort)", "save_name": "Spara namnet",
    "remove_from_invitation": "Ta bort ur kallelsen", "add_person_to_invitation": "Lägg till en person i kallelsen",
    "or_name": "…eller namn", "invitation_pdf": "Kallelse som PDF", "calendar_file": "Kalenderfil (.ics)",
    "send_invitation_email": "Skicka kallelsen med e-post", "mark_called": "Markera som kallad",
    "open_meeting_mode": "Öppna mötesläget", "minutes_being_approved": "Protokollet som justeras",
    "download_minutes": "Ladda ner protokoll (PDF)", "download_draft_minutes": "Ladda ner utkast till protokoll (PDF)",
    "download_archive": "Ladda ner arkivet (ZIP)",
    "confirm_read_minutes": "Jag har läst protokollet nedan och intygar att det stämmer med vad mötet beslutade.",
    "approve_minutes": "Justera protokollet", "remind_approvers": "Påminn dem som inte har justerat (e-post)",
    "return_to_meeting": "Ta tillbaka till mötet för rättelse", "reopen_minutes": "Återöppna protokollet",
    "reopen": "Återöppna",
    # the meeting (möte)
    "go_to_page": "Till {page}", "clinic_review_year": "{clinic} · genomgång {year}", "start_meeting": "Starta mötet",
    "decided_actions": "Beslutade åtgärder ({count})", "previous": "← Föregående", "next": "Nästa →",
    "previous_of": "← Föregående {noun}", "next_of": "Nästa {noun} →", "attendance_for": "Närvaro för {name}",
    "save_attendance": "Spara närvaro", "adjusters_one_or_two": "Justerare (en eller två)",
    "save_adjusters": "Spara justerare", "status_at_meeting": "Status vid mötet",
    "reason_if_cancelled": "Skäl (om avskriven)", "postpone_to": "Skjuts upp till",
    "save_and_next": "Spara och visa nästa", "decide_other_action": "Besluta en annan åtgärd",
    "owner_person_name": "Ansvarigs namn", "decide_action": "Besluta åtgärd", "no_action": "Ingen åtgärd",
    "decide_no_action": "Besluta ingen åtgärd", "correct_decided_action": "Rätta en beslutad åtgärd",
    "save_correction": "Spara rättelsen", "save_date": "Spara datum",
    "notes_for_item": "Anteckningar och beslut för § {number}",
    "decisions_hint": "Beslut (protokollet skriver ”Beslutades att …”; en rad per beslut)",
    "save_notes": "Spara anteckningar", "end_meeting_send": "Avsluta mötet och skicka protokollet till justering",
    # the printed minutes
    "minutes_number": "Protokoll nr {number}", "draft_stamp": "UTKAST", "at_the_minutes": "Vid protokollet",
    "key_indicators_over_years": "Nyckelindikatorer över åren", "priority_short": "Prio", "answers_to": "Svarar mot",
    "action_decisions": "Beslut om åtgärder", "follow_up_section": "Uppföljning av tidigare beslutade åtgärder",
    "annual_report_section": "Strålskyddsbokslutet", "findings_section": "Brister och beslut om åtgärder",
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
