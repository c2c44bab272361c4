"""What happens before the portal serves anyone: migrate, load the demo, refuse unsafe production."""
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from core import clock, db, local_secrets
from core.config import Settings, configuration_problems
from core.demo import demo_accounts, load_demo
from core.models import User
from core.seal import seal_path
from core.services import minutes, sealing, setup
from core.services.auth import SYSTEM_ACTOR


def _demo_usernames() -> list[str]:
    """Return the demo accounts' usernames."""
    return [account["username"] for account in demo_accounts()]


def startup_problems(engine: Engine, settings: Settings) -> list[str]:
    """List, in Swedish, why the portal must not start with these settings and this database."""
    problems = configuration_problems(settings)
    if settings.is_production:
        with Session(engine) as session:
            demo_users = session.exec(select(func.count()).select_from(User)
                                      .where(User.is_demo == True, User.active == True)).one()  # noqa: E712
        if demo_users:
            problems.append(f"Databasen har {demo_users} aktiva demokonton med kända lösenord. Inaktivera dem med "
                            "`stralportal user deactivate " + " ".join(_demo_usernames()) + "` eller använd en ny "
                            "databas innan portalen tas i drift.")
    return problems


def seal_upgraded(engine: Engine, settings: Settings, say: Callable[[str], None], before: str | None = None) -> None:
    """Make the organisation's seal when none exists, and seal minutes approved before the portal sealed them.

    Only an upgrade from a schema older than sealing looks for unsealed minutes: every later approval is sealed
    when it is given, and reading every stored PDF at each start would cost seconds at a region's size.
    """
    sealed = 0
    with db.session_scope(engine) as session:
        if sealing.ensure_organisation_seal(session, actor=SYSTEM_ACTOR, settings=settings):
            say(f"Organisationens egenutfärdade sigill är skapat: {seal_path(settings)}")
        if db.predates_seal(before):
            sealed = sealing.seal_unsealed(session, actor=SYSTEM_ACTOR, now=clock.now(), settings=settings)
    if sealed:
        say(f"{sealed} justerade protokoll från en tidigare version av portalen är nu förseglade.")


def prepare(settings: Settings, say: Callable[[str], None] = lambda _: None) -> Engine:
    """Migrate the database and, in demo mode, load the demo into an empty database (telling say what it does)."""
    say("Uppdaterar databasens schema …")
    before = db.upgrade(settings.database_url)
    engine = db.make_engine(settings.database_url)
    if db.predates_frozen_minutes(before):
        with db.session_scope(engine) as session:
            minutes.store_unrecorded(session, actor=SYSTEM_ACTOR, now=clock.now())
    if settings.demo and db.is_empty(engine):
        say("Läser in demodata (Demosjukhuset) i den tomma databasen …")
        with db.session_scope(engine) as session:
            load_demo(session, actor=SYSTEM_ACTOR, now=clock.now())
    seal_upgraded(engine, settings, say, before)
    if local_secrets.ensure_cookie_key(settings):
        say(f"En slumpad nyckel för inloggningen är skapad: {local_secrets.cookie_key_path(settings)} "
            "(bara portalens användare kan läsa den).")
    with Session(engine) as session:
        if setup.needs_setup(session):
            code = local_secrets.new_setup_code(settings, now=clock.now())
            say(f"Databasen har ingen organisation ännu. Öppna portalen och lägg upp den med startkoden {code} "
                f"(gäller en gång, i {local_secrets.SETUP_CODE_HOURS} timmar), eller kör `stralportal setup`.")
    return engine
