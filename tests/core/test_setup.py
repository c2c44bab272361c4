"""First run: the organisation and the first administrator, on an empty database, once."""
import io
import threading

import pytest
from sqlmodel import Session, func, select

from core import db, local_secrets
from core.cli import main
from core.config import Settings
from core.errors import Conflict, InvalidInput
from core.models import AnnualReport, Clinic, HistoryEntry, Organisation, User
from core.security import check_password
from core.services import setup
from core.services.auth import SYSTEM_ACTOR
from tests.conftest import PROJECT_DIR, drop_everything
from tests.factories import NOW

ORGANISATION = {"name": "Norrby sjukhus", "licence_holder": "Region Norrby", "licence_number": "SSM2024-0099"}
ADMIN = {"username": "maja", "name": "Maja Holm", "email": "maja@norrby.se", "password": "ett-langt-losenord"}
DEMO_CLINICS = {"RTG": "Röntgenkliniken", "NM": "Nuklearmedicin", "ONK": "Onkologiska kliniken",
                "KARD": "Kardiologiska kliniken", "ORT": "Ortopediska kliniken"}


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_setup_creates_the_organisation_and_its_first_administrator_once(session):
    assert setup.needs_setup(session)
    org, admin = setup.set_up(session, actor=SYSTEM_ACTOR, organisation=ORGANISATION, admin=ADMIN, now=NOW)
    session.commit()
    assert (org.name, org.licence_holder, org.licence_number) == ("Norrby sjukhus", "Region Norrby", "SSM2024-0099")
    assert admin.role == "admin" and check_password("ett-langt-losenord", admin.password_hash)
    assert not setup.needs_setup(session)
    assert {e.entity for e in session.exec(select(HistoryEntry))} == {"Organisation", "User"}
    with pytest.raises(Conflict, match="Portalen är redan upplagd"):
        setup.set_up(session, actor=SYSTEM_ACTOR, organisation={**ORGANISATION, "name": "Annat"},
                     admin={**ADMIN, "username": "olle"}, now=NOW)
    session.rollback()
    assert _count(session, Organisation) == 1 and _count(session, User) == 1


def test_bad_input_names_every_field_and_creates_nothing(engine):
    with pytest.raises(InvalidInput) as refused, db.session_scope(engine) as s:
        setup.set_up(s, actor=SYSTEM_ACTOR, organisation={"name": " ", "licence_holder": "Region Norrby",
                                                           "licence_number": ""}, admin=ADMIN, now=NOW)
    assert any("Organisationens namn" in p for p in refused.value.problems)
    assert any("SSM:s tillståndsnummer" in p for p in refused.value.problems)
    with pytest.raises(InvalidInput, match="lösenord: måste ha minst 8 tecken"), db.session_scope(engine) as s:
        setup.set_up(s, actor=SYSTEM_ACTOR, organisation=ORGANISATION, admin={**ADMIN, "password": "kort"}, now=NOW)
    with Session(engine) as s:
        assert setup.needs_setup(s) and _count(s, User) == 0  # the organisation went back with the admin


def test_the_first_run_page_needs_the_code_from_the_servers_log(engine, tmp_path):
    settings = Settings(data_dir=tmp_path)
    code = local_secrets.new_setup_code(settings, now=NOW)  # what `stralportal serve` prints
    with pytest.raises(InvalidInput, match="Startkod: koden stämmer inte"), db.session_scope(engine) as s:
        setup.set_up_with_code(s, actor=setup.FIRST_RUN_ACTOR, code="FEL-KOD", settings=settings,
                               organisation=ORGANISATION, admin=ADMIN, now=NOW)
    with db.session_scope(engine) as s:  # typed in lower case, with spaces around
        setup.set_up_with_code(s, actor=setup.FIRST_RUN_ACTOR, code=f" {code.lower()} ", settings=settings,
                               organisation=ORGANISATION, admin=ADMIN, now=NOW)
    with Session(engine) as s:
        assert not setup.needs_setup(s)


def test_two_first_runs_at_once_set_the_portal_up_once(database_url):
    drop_everything(db.make_engine(database_url))
    db.upgrade(database_url)
    engine = db.make_engine(database_url)
    start, outcomes = threading.Barrier(2), []

    def first_run(n: int) -> None:
        start.wait()
        try:
            with db.session_scope(engine) as s:
                setup.set_up(s, actor=SYSTEM_ACTOR, organisation={**ORGANISATION, "name": f"Sjukhus {n}"},
                             admin={**ADMIN, "username": f"admin{n}"}, now=NOW)
            outcomes.append("upplagd")
        except Conflict as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=first_run, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[-1] == "upplagd" and outcomes.count("upplagd") == 1, outcomes
    with Session(engine) as s:
        assert _count(s, Organisation) == 1 and _count(s, User) == 1
    engine.dispose()


def test_the_deployment_path_on_an_empty_database(database_url, monkeypatch, capsys):
    """README's deployment: migrate, setup, user add, clinic add, bokslut import; never any demo data."""
    drop_everything(db.make_engine(database_url))
    monkeypatch.setenv("STRALPORTAL_DATABASE_URL", database_url)
    monkeypatch.setenv("STRALPORTAL_DEMO", "0")
    assert main(["db", "upgrade"]) == 0
    assert main(["clinic", "add", "RTG", "--name", "Röntgen"]) == 2  # nothing to add it to yet
    assert "stralportal setup" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("ett-langt-losenord\n"))
    # the sample workbook is Demosjukhuset's: the import checks the workbook is this organisation's
    assert main(["setup", "--organisation", "Demosjukhuset", "--licence-holder", "Region Norrby",
                 "--licence-number", "SSM2024-0099", "--admin", "maja", "--name", "Maja Holm",
                 "--email", "maja@norrby.se", "--password-stdin"]) == 0
    assert "Organisationen Demosjukhuset (Region Norrby, tillstånd SSM2024-0099) är upplagd." in capsys.readouterr().out
    for code, name in DEMO_CLINICS.items():
        assert main(["--as-user", "maja", "clinic", "add", code, "--name", name]) == 0
    assert main(["--as-user", "maja", "user", "add", "ingrid", "--name", "Ingrid Strand", "--email",
                 "ingrid@norrby.se", "--role", "strateg"]) == 0
    workbook = PROJECT_DIR / "tests" / "data" / "bokslut-2025-demosjukhuset.xlsx"
    assert main(["--as-user", "ingrid", "bokslut", "import", str(workbook)]) == 0, capsys.readouterr().err
    assert "Strålskyddsbokslutet är inläst." in capsys.readouterr().out
    with Session(db.make_engine(database_url)) as s:
        assert [o.name for o in s.exec(select(Organisation))] == ["Demosjukhuset"]
        assert sorted(u.username for u in s.exec(select(User))) == ["ingrid", "maja"]  # no demo accounts
        assert _count(s, Clinic) == 5 and _count(s, AnnualReport) == 1
