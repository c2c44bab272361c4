"""Förbered: a review needs a chair who may approve and a protokollförare before the kallelse; the list of what
is missing says where each thing is fixed."""
import re
from datetime import date

import pytest

from core.enums import ReviewStatus, Role
from core.errors import UserError
from core.services import meeting_notice, preparation, reviews, self_assessments
from core.services.auth import SYSTEM_ACTOR
from tests.core.conftest import make_review
from tests.factories import NOW, actor_of, make_clinic, make_user


def _missing(session, review) -> dict[str, str]:
    return {m.text.split(":")[0]: m.where for m in preparation.missing(session, actor=SYSTEM_ACTOR,
                                                                         review_id=review.id)}


def test_a_review_without_chair_or_protokollforare_cannot_be_called(session, rtg):
    review = reviews.create_review(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=2025, now=NOW,
                                   data={"meeting_date": date(2025, 3, 12)})
    with pytest.raises(UserError, match=r"Kallelsen kan inte skickas ännu\. Ordförande: välj klinikens "
                                        r"verksamhetschef som ordförande under Förbered\. Protokollförare: välj"):
        reviews.set_status(session, actor=rtg["erik"], review_id=review.id, status=ReviewStatus.CALLED, now=NOW)
    with pytest.raises(UserError, match="Kallelsen kan inte skickas ännu"):
        meeting_notice.notice_files(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    assert review.status == ReviewStatus.PREPARATION
    missing = _missing(session, review)
    assert missing["Ordförande"] == missing["Protokollförare"] == preparation.DETAILS
    reviews.update_review(session, actor=rtg["erik"], review_id=review.id, now=NOW, expected_version=review.version,
                          data={"meeting_date": date(2025, 3, 12), "chair_id": rtg["users"]["anna"].id,
                                "secretary_id": rtg["users"]["erik"].id})
    reviews.set_status(session, actor=rtg["erik"], review_id=review.id, status=ReviewStatus.CALLED, now=NOW)
    assert review.status == ReviewStatus.CALLED


def test_the_checklist_names_what_is_missing_and_where_it_is_fixed(session, rtg):
    review = make_review(session, rtg)
    missing = _missing(session, review)
    assert "Ordförande" not in missing and "Protokollförare" not in missing
    assert missing["Första linjens chef"] == preparation.CALL  # a required role nobody on the list fills
    assert missing["Strålskyddsbokslut 2024"] == "annual_report_import"  # no bokslut is loaded in this test
    assert missing["Egenkontroll 2025"] == "self_assessment"
    assert "Egenkontroll 2025: inte påbörjad." in [m.text for m in preparation.missing(
        session, actor=SYSTEM_ACTOR, review_id=review.id)]


def test_a_started_self_assessment_with_unanswered_criteria_is_listed(session, rtg):
    from tests.core.test_self_assessment import SMALL
    self_assessments.load_criteria_set(session, actor=SYSTEM_ACTOR, text=SMALL, now=NOW)
    review = make_review(session, rtg)
    self_assessments.start(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=2025, copy_last_year=False,
                           now=NOW)
    text = next(m.text for m in preparation.missing(session, actor=SYSTEM_ACTOR, review_id=review.id)
                if m.where == "self_assessment")
    assert re.fullmatch(r"Egenkontroll 2025: (\d) av \1 kriterier obesvarade\.", text), text


def test_a_clinic_without_a_verksamhetschef_warns_and_says_whom_to_add_where(session, rtg):
    from core.models import Organisation
    org = session.get(Organisation, rtg["clinic"].organisation_id)
    clinic = make_clinic(session, org, "ORT", head_name="Olof Berg")
    coordinator = make_user(session, "sara", Role.SAMORDNARE, [clinic], name="Sara Ek")
    session.commit()
    sara = actor_of(coordinator, [clinic])
    warning = preparation.no_chair_warning(session, actor=sara, clinic_id=clinic.id)
    assert warning == ("Ordförande: ORT har ingen användare som får justera klinikens protokoll som ordförande. Be "
                       "administratören lägga upp klinikens verksamhetschef (Olof Berg) under Användare, med rollen "
                       "Verksamhetschef och kliniken ORT.")
    assert preparation.no_chair_warning(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id) is None
    review = reviews.create_review(session, actor=sara, clinic_id=clinic.id, year=2025, now=NOW,
                                   data={"meeting_date": date(2025, 3, 12), "secretary_id": coordinator.id})
    assert _missing(session, review)["Ordförande"] == "users"
    with pytest.raises(UserError, match="Be administratören lägga upp klinikens verksamhetschef"):
        reviews.set_status(session, actor=sara, review_id=review.id, status=ReviewStatus.CALLED, now=NOW)

