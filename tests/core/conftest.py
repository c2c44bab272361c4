"""Shared review fixtures and steps for core tests: Röntgenkliniken and its people."""
from datetime import date, timedelta

import pytest

from core.enums import Role
from core.services import actions, attendance, minutes, reviews
from core.services.auth import SYSTEM_ACTOR
from tests.factories import NOW, actor_of, make_clinic, make_org, make_user


@pytest.fixture
def rtg(session):
    """Röntgenkliniken with its key people, a verksamhetschef, a samordnare, an ombud and a stranger."""
    org = make_org(session)
    clinic = make_clinic(session, org, "RTG", name="Röntgenkliniken", head_name="Anna Berg",
                         coordinator_name="Erik Lind", protection_officer_name="Nils Ek", physicist_name="Johan Sund",
                         radiology_lead_name="Omar Haddad")
    other = make_clinic(session, org, "NM")
    people = {"anna": make_user(session, "anna", Role.VERKSAMHETSCHEF, [clinic], name="Anna Berg"),
              "erik": make_user(session, "erik", Role.SAMORDNARE, [clinic], name="Erik Lind"),
              "nils": make_user(session, "nils", Role.DELTAGARE, [clinic], name="Nils Ek"),
              "karin": make_user(session, "karin", Role.VERKSAMHETSCHEF, [other], name="Karin Öberg")}
    session.commit()
    actors = {k: actor_of(u, [other] if k == "karin" else [clinic]) for k, u in people.items()}
    return {"clinic": clinic, "users": people, **actors}


def make_review(session, rtg, year=2025, day=date(2025, 3, 12)):
    return reviews.create_review(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=year, now=NOW,
                                 data={"meeting_date": day, "start_time": "13.00", "end_time": "15:00",
                                       "location": "Konferensrum Röntgen", "chair_id": rtg["users"]["anna"].id,
                                       "secretary_id": rtg["users"]["erik"].id})


def decide(session, rtg, review, title="Optimera CT-protokoll", due=date(2025, 9, 30), **extra):
    answers = {} if {"finding_id", "criterion_id", "answers_to"} & set(extra) else {"answers_to": "Övriga frågor"}
    return actions.decide_action(session, actor=rtg["anna"], review_id=review.id, now=NOW,
                                 data={"title": title, "owner_id": rtg["users"]["erik"].id, "due_date": due,
                                       **answers, **extra})


def mark_present(session, rtg, review):
    """Everyone with a login on the invitation list came."""
    for row in attendance.attendees(session, actor=SYSTEM_ACTOR, review_id=review.id):
        if row.user_id:
            attendance.update_attendee(session, actor=rtg["erik"], attendance_id=row.id, status="present", now=NOW,
                                       expected_version=row.version)


def decide_the_rest(session, rtg, review, reason="Hanteras i verksamhetsplanen."):
    """Decide "ingen åtgärd" on every finding the meeting has not decided on (justering needs a decision on each)."""
    for item in actions.findings_for_review(session, actor=SYSTEM_ACTOR, review_id=review.id):
        if not item.actions and item.no_action is None:
            actions.decide_no_action(session, actor=rtg["anna"], review_id=review.id, reason=reason, now=NOW,
                                     finding_id=item.finding.id)


def approve_all_but_the_last(session, rtg, review):
    """Send the minutes for justering; the chair and the protokollförare sign, the justerare (nils) has not yet."""
    mark_present(session, rtg, review)
    minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id, user_ids=[rtg["users"]["nils"].id],
                             now=NOW)
    minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    minutes.approve(session, actor=rtg["anna"], review_id=review.id, now=NOW)
    minutes.approve(session, actor=rtg["erik"], review_id=review.id, now=NOW + timedelta(hours=1))


def approve_all(session, rtg, review):
    approve_all_but_the_last(session, rtg, review)
    return minutes.approve(session, actor=rtg["nils"], review_id=review.id, now=NOW + timedelta(hours=2))




@pytest.fixture
def portal(session):
    """Demosjukhuset with its five clinics, as the portal knows it before any bokslut (the samples' organisation)."""
    org = make_org(session, "Demosjukhuset")
    for code in ("RTG", "NM", "ONK", "KARD", "ORT"):
        make_clinic(session, org, code)
    session.commit()
    return org
