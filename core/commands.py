"""What each `stralportal` command does; core/cli.py describes them and imports this only to run one."""

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlmodel import Session

from core import backup as backup_module
from core import clock, db, glossary, local_secrets, yaml_input
from core.annual_report.template import TEMPLATE_PATH
from core.config import load_settings
from core.demo import load_demo
from core.enums import ActionStatus, Modality, ReviewStatus, Role
from core.errors import EXIT_OK, UserError
from core.models import stored_id
from core.permissions import Actor, Permission, require
from core.serve import cmd_serve  # noqa: F401  run through core/cli.py
from core.services import (
    action_export,
    actions,
    annual_report_import,
    archive,
    auth,
    clinics,
    minutes,
    minutes_document,
    reminders,
    reviews,
    self_assessments,
    setup,
    users,
)
from core.startup import seal_upgraded


def _engine():
    """Return an engine for the configured database."""
    return db.make_engine(load_settings().database_url)


def _actor(session, args) -> Actor:
    """Return who acts: the named user (with that user's permissions) or the server administrator."""
    if not args.as_user:
        return auth.SYSTEM_ACTOR
    actor = auth.actor_for(session, args.as_user.lower())
    if actor is None:
        raise UserError(f"Användaren {args.as_user} finns inte eller är inaktiverad.")
    return actor


def _require(engine, args, permission: Permission) -> Actor:
    """Resolve the acting user and refuse unless it holds the permission."""
    with Session(engine) as session:
        actor = _actor(session, args)
    require(actor, permission)
    return actor


def _migrated_engine():
    """Return the configured engine, refusing a database that has not been created yet."""
    engine = _engine()
    if backup_module.schema_revision(engine) is None:
        raise UserError("Databasen är inte skapad ännu. Kör först: stralportal db upgrade")
    return engine


def cmd_db_upgrade(args) -> int:
    """Create or migrate the database, and say which it was."""
    engine = _engine()
    before = backup_module.schema_revision(engine)
    if args.as_user and before is not None:
        _require(engine, args, Permission.ADMINISTER_DATABASE)
    stored = 0
    if db.predates_frozen_minutes(db.upgrade(load_settings().database_url)):
        with db.session_scope(engine) as session:
            stored = minutes.store_unrecorded(session, actor=auth.SYSTEM_ACTOR, now=clock.now())
    if stored:
        print(f"{stored} justerade protokoll från en tidigare version av portalen är nu lagrade som PDF.")
    seal_upgraded(engine, load_settings(), print, before)
    after = backup_module.schema_revision(engine)
    print("Databasen är skapad." if before is None else
          "Databasen har redan den senaste versionen." if before == after else
          f"Databasen är uppgraderad från version {before} till {after}.")
    return EXIT_OK


def cmd_demo(args) -> int:
    """Load the demo organisation; a second run changes nothing."""
    engine = _migrated_engine()
    _require(engine, args, Permission.MANAGE_USERS)
    with db.session_scope(engine) as session:
        added = load_demo(session, actor=_actor(session, args), now=clock.now())
    seal_upgraded(engine, load_settings(), print)
    print(f"Demosjukhuset: {added['clinics']} kliniker, {added['users']} användare, "
          f"{added['annual_reports']} strålskyddsbokslut och {added['reviews']} genomgångar tillagda.")
    return EXIT_OK


def _modality(text: str) -> str:
    """Accept a modality by its Swedish term or its code."""
    member = glossary.parse(Modality, text)
    return member.value if member else text


def cmd_clinic_add(args) -> int:
    """Add a clinic."""
    data = {"code": args.code, "name": args.name, "site": args.site,
            "modalities": [_modality(m) for m in args.modality]}
    with db.session_scope(_engine()) as session:
        clinic = clinics.create_clinic(session, actor=_actor(session, args), data=data, now=clock.now())
        print(f"Kliniken {clinic.code} ({clinic.name}) är tillagd.")
    return EXIT_OK


def _clinic_ids(session, actor: Actor, codes: list[str]) -> list[int]:
    """Turn clinic codes into ids, refusing unknown codes."""
    found = {code: clinics.find_by_code(session, actor=actor, code=code) for code in codes}
    unknown = [code for code, clinic in found.items() if clinic is None]
    if unknown:
        raise UserError(f"Okänd klinikkod: {', '.join(unknown)}.")
    return [stored_id(clinic) for clinic in found.values() if clinic is not None]  # all found: see above


def _password(args) -> str:
    """The password from standard input (--password-stdin), else a generated one that the command shows once."""
    import secrets
    return sys.stdin.readline().rstrip("\n") if args.password_stdin else secrets.token_urlsafe(12)


def cmd_setup(args) -> int:
    """First run: the organisation and the first administrator, on an empty database without demo data."""
    password = _password(args)
    organisation = {"name": args.organisation, "licence_holder": args.licence_holder,
                    "licence_number": args.licence_number}
    admin = {"username": args.admin, "name": args.name, "email": args.email, "password": password}
    engine = _migrated_engine()
    with db.session_scope(engine) as session:
        org, user = setup.set_up(session, actor=auth.SYSTEM_ACTOR, organisation=organisation, admin=admin,
                                 now=clock.now())
        print(f"Organisationen {org.name} ({org.licence_holder}, tillstånd {org.licence_number}) är upplagd.")
        print(f"Administratören {user.username} är tillagd. Lägg nu till kliniker (`stralportal clinic add`) "
              "och användare, och läs in bokslutet.")
    seal_upgraded(engine, load_settings(), print)
    local_secrets.forget_setup_code(load_settings())  # the portal is set up: the page's startkod has no use left
    if not args.password_stdin:
        print(f"Tillfälligt lösenord: {password}  (byt det under Mitt konto efter första inloggningen)")
    return EXIT_OK


def cmd_user_add(args) -> int:
    """Add a user; the password comes from standard input or is generated and shown once."""
    password = _password(args)
    with db.session_scope(_engine()) as session:
        actor = _actor(session, args)
        data = {"username": args.username, "name": args.name, "email": args.email,
                "role": args.role, "clinics": _clinic_ids(session, actor, args.clinic), "password": password}
        user = users.create_user(session, actor=actor, data=data, now=clock.now())
        print(f"Användaren {user.username} ({glossary.term(Role(user.role))}) är tillagd.")
    if not args.password_stdin:
        print(f"Tillfälligt lösenord: {password}  (be användaren byta det under Mitt konto)")
    return EXIT_OK


def cmd_user_deactivate(args) -> int:
    """Deactivate users (for example the demo accounts before going into production)."""
    with db.session_scope(_engine()) as session:
        actor = _actor(session, args)
        for username in args.usernames:
            users.deactivate_user(session, actor=actor, username=username, now=clock.now())
    print(f"Inaktiverade: {', '.join(args.usernames)}.")
    return EXIT_OK


def cmd_bokslut_template(args) -> int:
    """Write the empty bokslut workbook (the one in templates/, which users may adapt)."""
    _write(args.path, TEMPLATE_PATH.read_bytes())
    print(f"Mallen för strålskyddsbokslut är skriven till {args.path}.")
    return EXIT_OK


def _os_problem(exc: OSError) -> str:
    """Say in Swedish why a file could not be read or written."""
    if isinstance(exc, FileNotFoundError):
        return "filen eller mappen finns inte"
    if isinstance(exc, PermissionError):
        return "behörighet saknas"
    if isinstance(exc, IsADirectoryError):
        return "det är en mapp, inte en fil"
    return f"operativsystemet svarade {exc.errno}"


def _write(path: str, data: bytes) -> None:
    """Write a file the user named, or refuse with a Swedish message."""
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise UserError(f"Kan inte skriva {path}: {_os_problem(exc)}.") from None


def _clinic_by_code(session, actor: Actor, code: str):
    """Return the clinic with the code, or refuse."""
    clinic = clinics.find_by_code(session, actor=actor, code=code)
    if clinic is None:
        raise UserError(f"Okänd klinikkod: {code}.")
    return clinic


def _read_file(path: str, size_problem: Callable[[int], str | None] | None = None) -> bytes:
    """Read a file the user named, or refuse with a Swedish message (one too large before reading it)."""
    try:
        problem = size_problem(Path(path).stat().st_size) if size_problem else None
        if problem:
            raise UserError(problem)
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"Kan inte läsa {path}: {_os_problem(exc)}.") from None


def cmd_bokslut_import(args) -> int:
    """Validate and load a bokslut workbook; with --dry-run only report what would change."""
    data = _read_file(args.path)
    narrative = (_read_file(args.attach), Path(args.attach).name) if args.attach else None
    with db.session_scope(_engine()) as session:
        actor = _actor(session, args)
        if args.dry_run:
            plan = annual_report_import.plan_import(session, actor=actor, data=data, filename=Path(args.path).name,
                                                    replace=args.replace, today=clock.today(),
                                                    narrative_name=narrative and narrative[1])
        else:
            plan = annual_report_import.import_annual_report(
                session, actor=actor, data=data, filename=Path(args.path).name, replace=args.replace,
                narrative=narrative, now=clock.now())
    for warning in plan.warnings:
        print(f"Varning: {warning}", file=sys.stderr)
    print(plan.summary())
    print("Provkörning: inget sparades." if args.dry_run else "Strålskyddsbokslutet är inläst.")
    return EXIT_OK


def _checkout_on_path() -> None:
    """Let the checkout's benchmarks/ be imported when the portal is installed from it (`pip install -e .`).

    A console script's sys.path holds its own bin folder, not the folder it runs in (which `python -m core` adds),
    and an editable install exposes only the packaged modules; an installed wheel has no checkout beside core.
    """
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "benchmarks" / "__init__.py").is_file() and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))


def cmd_bench(args) -> int:
    """Measure on generated data in temporary databases (never the configured one); print JSON."""
    _checkout_on_path()
    try:
        from benchmarks.run import BENCHMARKS, run, sizes_for
    except ImportError:
        raise UserError("Mätningarna finns bara i källkoden: installera portalen från projektmappen "
                        "(`make bench` eller `pip install -e .`) och kör `stralportal bench`.") from None
    names = list(BENCHMARKS) if args.which == "all" else [args.which]
    figures = run(names, sizes_for(args.small, args.scales, args.runs))
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return EXIT_OK


def _review_of(session, actor: Actor, code: str, year: int):
    """Return the review of a clinic (by code) held in a year, or refuse."""
    clinic = _clinic_by_code(session, actor, code)
    review = reviews.find_review(session, actor=actor, clinic_id=clinic.id, year=year)
    if review is None:
        raise UserError(f"{clinic.code} har ingen genomgång {year}.")
    return review


def cmd_minutes_pdf(args) -> int:
    """Write the minutes of a clinic's review held in a year as a PDF."""
    with Session(_migrated_engine()) as session:
        actor = _actor(session, args)
        review = _review_of(session, actor, args.clinic, args.year)
        version = args.minutes_version
        if version and version != review.minutes_version or review.status == ReviewStatus.APPROVED:
            version = version or review.minutes_version
            data = minutes_document.approved_pdf(session, actor=actor, review_id=review.id, version=version)
            state = "justerat, som det lagrades vid justeringen"
        else:
            data = minutes_document.review_minutes_pdf(session, actor=actor, review_id=review.id)
            state, version = "utkast", review.minutes_version
    _write(args.output, data)
    print(f"Protokollet ({state}, version {version}) är skrivet till {args.output}.")
    return EXIT_OK


def cmd_actions_export(args) -> int:
    """Write the action plan as XLSX or CSV (by the file's suffix), with the columns of docs/spec/cli.md."""
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UserError(f"{args.output}: filen ska sluta på .xlsx eller .csv.")
    with Session(_migrated_engine()) as session:
        actor = _actor(session, args)
        clinic_ids = [_clinic_by_code(session, actor, args.clinic).id] if args.clinic else None
        today = clock.today()
        listed = actions.list_actions(session, actor=actor, today=today, clinic_ids=clinic_ids, year=args.year,
                                      statuses=list(ActionStatus.open_values()) if args.open else None)
        rows = action_export.action_rows(session, actor=actor, today=today, rows=listed)
    data = action_export.to_xlsx(rows) if suffix == ".xlsx" else action_export.to_csv(rows)
    _write(args.output, data)
    print(f"Åtgärdsplanen ({len(rows)} åtgärder) är skriven till {args.output}.")
    return EXIT_OK


def cmd_archive(args) -> int:
    """Write the inspection-ready archive of one review as a ZIP."""
    with Session(_migrated_engine()) as session:
        actor = _actor(session, args)
        review = _review_of(session, actor, args.clinic, args.year)
        data = archive.review_archive(session, actor=actor, review_id=review.id, today=clock.today(), now=clock.now())
    _write(args.output, data)
    print(f"Arkivet för {args.clinic.upper()} {args.year} är skrivet till {args.output}.")
    return EXIT_OK


def cmd_criteria_load(args) -> int:
    """Load a new version of the egenkontroll criteria set from YAML."""
    try:
        text = _read_file(args.path, yaml_input.size_problem).decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{args.path} är inte en textfil i UTF-8.") from None
    with db.session_scope(_migrated_engine()) as session:
        template = self_assessments.load_criteria_set(session, actor=_actor(session, args), text=text,
                                                      now=clock.now())
    print(f"Kriterierna {template.name} version {template.version} är inlästa och används för nya egenkontroller.")
    return EXIT_OK


def _today(text: str | None):
    """Return the date the rules use: --today, or today in Sweden."""
    if not text:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--today: \"{text}\" är inte ett datum (ÅÅÅÅ-MM-DD).") from None


def cmd_remind(args) -> int:
    """Send today's due reminders (for a daily job); --dry-run lists them without sending."""
    today = _today(args.today)
    engine = _migrated_engine()
    with Session(engine) as session:
        actor = _actor(session, args)
    outgoing = reminders.send_reminders(engine, actor=actor, settings=load_settings(), today=today, now=clock.now(),
                                        dry_run=args.dry_run)
    for o in outgoing:
        kind = "sammanfattning" if o.summary else "påminnelse"
        print(f"{o.user.email}: {kind}, {len(o.lines)} åtgärder")
    verb = "skulle skickas" if args.dry_run else "skickade"
    print(f"{len(outgoing)} e-brev {verb} ({today.isoformat()}).")
    return EXIT_OK


def cmd_backup(args) -> int:
    """Write every table, attachments included, to one new JSON file (an existing file is never overwritten)."""
    engine = _migrated_engine()
    _require(engine, args, Permission.ADMINISTER_DATABASE)
    target = Path(args.output)
    if target.exists():
        raise UserError(f"{args.output} finns redan. Välj ett nytt filnamn, t.ex. med dagens datum.")
    document = backup_module.backup(engine)
    _write(args.output, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    rows = sum(len(r) for r in document["tables"].values())
    print(f"Säkerhetskopian {args.output} är skriven ({rows} rader i {len(document['tables'])} tabeller).")
    return EXIT_OK


def cmd_restore(args) -> int:
    """Load a backup into an empty database."""
    engine = _migrated_engine()
    _require(engine, args, Permission.ADMINISTER_DATABASE)
    try:
        document = json.loads(_read_file(args.path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserError(f"{args.path} är inte en säkerhetskopia från Strålsäkerhetsportalen "
                        "(inte giltig JSON).") from None
    counts = backup_module.restore(engine, document)
    print(f"Återställt {sum(counts.values())} rader från {args.path}.")
    return EXIT_OK
