"""A region's data for the benchmark: N clinics with ten years of bokslut, reviews, actions and egenkontroll.

Rows go in with bulk inserts (the services would take minutes at 240 clinics), shaped as the services
leave them: approved reviews with frozen minutes and signatures, follow-ups of the open actions, answers
to every criterion, history events. The same generator with one clinic is the floor the pages are
compared with, so a page that is fast only because the database is small cannot hide it.
"""
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, insert, select
from sqlmodel import col

from core import clock, db, history
from core.demo import CRITERIA_FILE
from core.enums import ActionStatus, AttendanceStatus, MeetingRole, SignatureRole
from core.models import (
    Action,
    AgendaItem,
    AnnualReport,
    Answer,
    Attendance,
    Clinic,
    Criterion,
    Finding,
    FollowUp,
    Goal,
    HistoryEntry,
    Indicator,
    MinutesVersion,
    Organisation,
    Review,
    SelfAssessment,
    Signature,
    User,
    UserClinic,
)
from core.security import hash_password
from core.services import agenda as agenda_service
from core.services.auth import SYSTEM_ACTOR
from core.services.self_assessments import load_criteria_set

YEARS = 10
INDICATORS = 20  # per clinic and year
GOALS = 3
FINDINGS = 4
ACTIONS = 15  # per review
PASSWORD = "bench-losen"
ROLES = [MeetingRole.HEAD_OF_DEPARTMENT, MeetingRole.COORDINATOR, MeetingRole.PROTECTION_OFFICER,
         MeetingRole.PHYSICIST, MeetingRole.RADIOLOGY_LEAD, MeetingRole.FIRST_LINE_MANAGER, MeetingRole.OTHER]
AREAS = ["Personalstrålskydd", "Patientstrålskydd", "Optimering och dos", "Utbildning", "Kvalitetskontroll"]


def _content(clinic: str, year: int, actions: int) -> dict:
    """Frozen minutes of the size the real ones have: a block per §, a row per action."""
    items = [{"number": n, "title": f"§ {n}", "blocks": [{"kind": "text", "text": "Mötet gick igenom punkten. " * 8}]}
             for n in range(1, 12)]
    table = [[str(a), f"Åtgärd {a} för {clinic}", "Ägare", f"{year}-09-30", "Medel"] for a in range(1, actions + 1)]
    return {"clinic": clinic, "year": year, "items": items, "actions": table, "signers": ["Ordf", "Sekr", "Just"]}


def _insert(session, model, rows: list[dict]) -> None:
    """Insert rows in chunks (SQLite's variable limit), if any."""
    for start in range(0, len(rows), 2000):
        session.execute(insert(model), rows[start:start + 2000])


def build(url: str, clinics: int, years: int = YEARS) -> dict:
    """Create and fill a migrated database at url; return the sizes it holds."""
    db.upgrade(url)
    engine = db.make_engine(url)
    now = datetime.now(UTC).replace(microsecond=0)
    meeting_year = clock.today().year
    first_year = meeting_year - years + 1
    with db.session_scope(engine) as session:
        history.track(session, actor=SYSTEM_ACTOR, now=now)  # what the bulk inserts below bypass is not history
        session.add(Organisation(name="Regionsjukhuset", licence_number="SSM2020-0001", created_at=now))
        password = hash_password(PASSWORD)
        session.add_all([User(username="strateg", name="Stina Strateg", email="strateg@region.se", role="strateg",
                              password_hash=password, created_at=now),
                         User(username="admin", name="Adam Admin", email="admin@region.se", role="admin",
                              password_hash=password, created_at=now)])
        session.flush()
        load_criteria_set(session, actor=SYSTEM_ACTOR, text=CRITERIA_FILE.read_text(encoding="utf-8"), now=now)
        criteria = session.execute(select(col(Criterion.id), col(Criterion.text))).all()
        org_id = session.execute(select(col(Organisation.id))).scalar_one()
        _clinics_and_users(session, org_id, clinics, password, now)
        reports = _reports(session, org_id, clinics, first_year - 1, years, now)
        counts = _reviews(session, clinics, first_year, years, reports, now)
        _self_assessments(session, clinics, first_year, years, criteria, now)
    engine.dispose()
    return {"clinics": clinics, "years": years, **counts}


def _clinics_and_users(session, org_id: int, clinics: int, password: str, now: datetime) -> None:
    """Clinics K001…, each with a verksamhetschef and a samordnare of its own."""
    _insert(session, Clinic, [{"id": c, "organisation_id": org_id, "code": f"K{c:03d}", "name": f"Klinik {c}",
                               "site": "Regionsjukhuset", "modalities": ["xray", "intervention"],
                               "head_name": f"Chef {c}", "coordinator_name": f"Samordnare {c}",
                               "protection_officer_name": f"Ombud {c}", "physicist_name": f"Fysiker {c}",
                               "radiology_lead_name": f"Ledning {c}", "active": True, "version": 1}
                              for c in range(1, clinics + 1)])
    users: list[dict[str, Any]] = [{"id": 2 + 2 * c - 1 + j, "username": f"{kind}{c}", "name": f"{title} {c}",
              "email": f"{kind}{c}@region.se", "role": role, "password_hash": password, "created_at": now,
              "active": True, "is_demo": False, "failed_logins": 0, "version": 1}
             for c in range(1, clinics + 1)
             for j, (kind, title, role) in enumerate([("chef", "Chef", "verksamhetschef"),
                                                      ("samordnare", "Samordnare", "samordnare")])]
    _insert(session, User, users)
    _insert(session, UserClinic, [{"user_id": u["id"], "clinic_id": (u["id"] - 1) // 2} for u in users])


def _reports(session, org_id: int, clinics: int, first: int, years: int, now: datetime) -> dict[int, int]:
    """A bokslut per year: every clinic's indicators, goals and findings. Return year → report id."""
    reports = {first + y: y + 1 for y in range(years)}
    _insert(session, AnnualReport, [{"id": rid, "organisation_id": org_id, "year": year, "imported_at": now,
                                     "prepared_by": "Stina Strateg", "version_label": "1.0"}
                                    for year, rid in reports.items()])
    indicators, goals, findings = [], [], []
    for year, rid in reports.items():
        for c in range(1, clinics + 1):
            indicators += [{"annual_report_id": rid, "clinic_id": c, "code": f"IND-{i:02d}", "name": f"Indikator {i}",
                            "area": AREAS[i % len(AREAS)], "unit": "%", "value": 80.0 + (c + i + year) % 20,
                            "target": 95.0, "direction": "higher_is_better"} for i in range(INDICATORS)]
            goals += [{"annual_report_id": rid, "clinic_id": c, "code": f"M{g}", "text": f"Mål {g} för klinik {c}",
                       "target": "100 %", "outcome": "90 %", "assessment": "partly_met"} for g in range(GOALS)]
            findings += [{"annual_report_id": rid, "clinic_id": c, "code": f"B-{f}", "area": AREAS[f % len(AREAS)],
                          "description": f"Brist {f} hos klinik {c} år {year}: rutinen följs inte fullt ut.",
                          "severity": ["high", "medium", "low"][f % 3], "reference": "SSMFS 2018:5",
                          "source": "annual_report", "suggested_action": "Åtgärda", "created_at": now}
                         for f in range(FINDINGS)]
    _insert(session, Indicator, indicators)
    _insert(session, Goal, goals)
    _insert(session, Finding, findings)
    return reports


def _status(year: int, meeting_year: int, a: int) -> str:
    """Old actions are mostly done; this year's mostly open."""
    age = meeting_year - year
    return ([ActionStatus.DONE, ActionStatus.DONE, ActionStatus.CANCELLED, ActionStatus.IN_PROGRESS][a % 4]
            if age >= 2 else [ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.DONE][a % 3]).value


def _reviews(session, clinics: int, first: int, years: int, reports: dict[int, int], now: datetime) -> dict:
    """A review per clinic and meeting year; all approved but this year's, which is being held."""
    last = first + years - 1
    agenda = agenda_service.template()
    reviews, attendance, items, actions, follow_ups, signatures, minutes, events = [], [], [], [], [], [], [], []
    finding_id = {}
    for rid_index, year in enumerate(reports):
        for c in range(1, clinics + 1):
            for f in range(FINDINGS):
                finding_id[(year, c, f)] = 1 + (rid_index * clinics + c - 1) * FINDINGS + f
    review_id = action_id = 0
    open_by_clinic: dict[int, list[int]] = {}
    for c in range(1, clinics + 1):
        head, coordinator = 2 + 2 * c - 1, 2 + 2 * c
        for year in range(first, last + 1):
            review_id += 1
            approved = year < last
            meeting = date(year, 3, 10 + c % 15)
            reviews.append({"id": review_id, "clinic_id": c, "year": year, "annual_report_id": reports.get(year - 1),
                            "protocol_number": f"K{c:03d} 1/{year}", "meeting_date": meeting, "start_time": "13:00",
                            "end_time": "15:00", "location": "Konferensrum 1", "chair_id": head,
                            "secretary_id": coordinator, "status": "approved" if approved else "meeting",
                            "current_item": 0, "minutes_version": 1, "created_at": now, "version": 1,
                            "approved_at": datetime(year, 3, 20, tzinfo=UTC) if approved else None})
            attendance += [{"review_id": review_id, "user_id": head if r == 0 else coordinator if r == 1 else None,
                            "name": f"Person {r} klinik {c}", "meeting_role": role.value,
                            "status": AttendanceStatus.PRESENT.value if approved else AttendanceStatus.INVITED.value,
                            "version": 1} for r, role in enumerate(ROLES)]
            items += [{"review_id": review_id, "number": n, "title": item["title"], "kind": item.get("kind", "other"),
                       "notes": "Genomgick punkten." if approved else None, "version": 1}
                      for n, item in enumerate(agenda, start=1)]
            follow_ups += [{"review_id": review_id, "action_id": a, "status": "done" if approved else None,
                            "recorded_at": now if approved else None} for a in open_by_clinic.get(c, [])]
            open_by_clinic[c] = []
            for a in range(ACTIONS):
                action_id += 1
                status = _status(year, last, a)
                actions.append({"id": action_id, "clinic_id": c, "review_id": review_id, "number": a + 1,
                                "title": f"Åtgärd {a + 1} beslutad {year}", "owner_name": f"Chef {c}",
                                "owner_id": head if a % 3 == 0 else None, "owner_role": "Verksamhetschef",
                                "due_date": meeting + timedelta(days=60 + 20 * a), "priority": "medium",
                                "status": status, "done_on": meeting + timedelta(days=50) if status == "done" else None,
                                "finding_id": finding_id.get((year - 1, c, a)) if a < FINDINGS else None,
                                "created_at": now, "updated_at": now, "version": 1})
                if status in ("not_started", "in_progress"):
                    open_by_clinic[c].append(action_id)
            if approved:
                content = _content(f"K{c:03d}", year, ACTIONS)
                digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
                minutes.append({"review_id": review_id, "version": 1, "content": content, "content_sha256": digest,
                                "frozen_at": now, "approved_at": now, "pdf": b"%PDF-1.4 bench\n" * 2000,
                                "pdf_sha256": digest})
                signatures += [{"review_id": review_id, "user_id": head if role != "secretary" else coordinator,
                                "role": role, "minutes_version": 1, "signed_at": now, "content_sha256": digest}
                               for role in (SignatureRole.CHAIR, SignatureRole.SECRETARY, SignatureRole.ADJUSTER)]
            events += [{"at": now, "actor_name": f"Samordnare {c}", "entity": "Review", "entity_id": review_id,
                        "operation": "update", "clinic_id": c, "review_id": review_id,
                        "old_values": {"status": "meeting"}, "new_values": {"status": "approval", "n": e}}
                       for e in range(10)]
    for model, rows in ((Review, reviews), (Attendance, attendance), (AgendaItem, items), (Action, actions),
                        (FollowUp, follow_ups), (MinutesVersion, minutes), (Signature, signatures),
                        (HistoryEntry, events)):
        _insert(session, model, rows)
    return {"reviews": len(reviews), "actions": len(actions), "follow_ups": len(follow_ups)}


def _self_assessments(session, clinics: int, first: int, years: int, criteria: Sequence[Row], now: datetime) -> None:
    """Every clinic's egenkontroll of every year, each criterion answered."""
    template_id = session.execute(select(col(Criterion.template_id))).scalars().first()
    assessments = [{"id": 1 + (c - 1) * years + y, "clinic_id": c, "year": first + y, "template_id": template_id,
                    "created_at": now} for c in range(1, clinics + 1) for y in range(years)]
    _insert(session, SelfAssessment, assessments)
    _insert(session, Answer, [{"self_assessment_id": s["id"], "criterion_id": cid, "criterion_text": text,
                               "level": (s["id"] + cid) % 5, "not_applicable": False, "reconsidered": True,
                               "evidence": "Rutin finns i ledningssystemet.", "answered_at": now, "version": 1}
                              for s in assessments for cid, text in criteria])
