"""The demo organisation: Demosjukhuset with its five clinics and one account per role."""
from datetime import datetime
from pathlib import Path

import yaml
from sqlmodel import Session, select

from core import history
from core.demo.reviews import load_review_2026, load_reviews
from core.errors import NotFound
from core.models import Organisation, SafetyEvent, User, stored_id
from core.permissions import Actor
from core.resources import TEMPLATES
from core.services import clinics as clinic_service
from core.services import safety_events
from core.services import users as user_service
from core.services._queries import active_template, clinic_by_code, report_of_year
from core.services.annual_report_import import import_annual_report
from core.services.self_assessments import (
    load_criteria_set,
    load_shipped_criteria,
    unloaded_shipped_criteria,
)

DEMO_FILE = Path(__file__).with_name("demo.yaml")
CRITERIA_FILE = TEMPLATES / "egenkontroll" / "kriterier-v1.yaml"


def demo_data() -> dict:
    """Read the demo definition."""
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


DEMO_PASSWORD = demo_data()["password"]


def demo_accounts() -> list[dict]:
    """Return the demo accounts as defined (username, name, role, clinic codes)."""
    return demo_data()["users"]


def active_demo_accounts(session: Session) -> list[dict]:
    """Return the demo accounts that are still active in the database, in the defined order."""
    active = set(session.exec(select(User.username).where(User.is_demo == True, User.active == True)))  # noqa: E712
    return [a for a in demo_accounts() if a["username"] in active]


def _organisation(session: Session, name: str, now: datetime) -> Organisation:
    """Return the named organisation, creating it when missing."""
    org = session.exec(select(Organisation).where(Organisation.name == name)).first()
    if org is None:
        org = Organisation(name=name, licence_holder=demo_data().get("licence_holder"),
                           licence_number=demo_data().get("licence_number"), created_at=now)
        session.add(org)
        session.flush()
    return org


def _clinic_id(session: Session, code: str) -> int:
    """Return the id of a demo clinic (the demo adds its clinics first)."""
    clinic = clinic_by_code(session, code)
    if clinic is None:
        raise NotFound(f"Demodata: kliniken {code} finns inte.")
    return stored_id(clinic)


def _load_events(session: Session, events: list[dict], *, actor: Actor, now: datetime) -> int:
    """Register the demo's events once (a second run adds none)."""
    if session.exec(select(SafetyEvent.id).limit(1)).first() is not None:
        return 0
    for event in events:
        safety_events.register(session, actor=actor, clinic_id=_clinic_id(session, event["clinic"]), now=now,
                               today=now.date(), data={k: v for k, v in event.items() if k != "clinic"})
    return len(events)


def load_demo(session: Session, *, actor: Actor, now: datetime) -> dict[str, int]:
    """Add whatever of the demo is missing; a second run changes nothing. Return what was added."""
    data = demo_data()
    history.track(session, actor=actor, now=now)  # the demo's own rows are the system's change
    _organisation(session, data["organisation"], now)
    added = {"clinics": 0, "users": 0}
    for clinic in data["clinics"]:
        if clinic_by_code(session, clinic["code"]) is None:
            clinic_service.create_clinic(session, actor=actor, data=clinic, now=now)
            added["clinics"] += 1
    for user in data["users"]:
        if session.exec(select(User).where(User.username == user["username"])).first() is None:
            ids = [_clinic_id(session, code) for code in user["clinics"]]
            user_service.create_user(session, actor=actor, now=now, is_demo=True,
                                     data={**user, "clinics": ids, "password": data["password"]})
            added["users"] += 1
    added["annual_reports"] = _load_annual_reports(session, actor=actor, now=now)
    if active_template(session) is None:
        load_criteria_set(session, actor=actor, text=CRITERIA_FILE.read_text(encoding="utf-8"), now=now)
    added["reviews"] = load_reviews(session, data["reviews_2025"]) + load_review_2026(session, data["review_2026"])
    added["events"] = _load_events(session, data.get("events", []), actor=actor, now=now)
    # Later versions after the demo's answers, which keep the text of the version they were given under.
    for version in unloaded_shipped_criteria(session, actor=actor):
        load_shipped_criteria(session, actor=actor, version=version, now=now)
    return added


def _load_annual_reports(session: Session, *, actor: Actor, now: datetime) -> int:
    """Load the sample bokslut for 2024 and 2025 when missing, so trends have two points from the start."""
    loaded = 0
    for path in sorted(DEMO_FILE.parent.glob("bokslut-*.xlsx")):
        year = int(path.stem.split("-")[1])
        if report_of_year(session, year) is None:
            import_annual_report(session, actor=actor, data=path.read_bytes(), filename=path.name, now=now)
            loaded += 1
    return loaded
