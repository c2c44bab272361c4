"""The `stralportal` command line (spec/cli.md): same database, same permission rules as the pages."""
import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from sqlmodel import Session

from core import backup as backup_module
from core import clock, db, glossary
from core.annual_report.template import TEMPLATE_PATH
from core.argparse_sv import SwedishArgumentParser
from core.config import PROJECT_DIR, load_settings
from core.demo import load_demo
from core.enums import Modality, Role
from core.errors import REFUSALS, InvalidInput, UserError
from core.permissions import Actor, Permission, require
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
    users,
)
from core.startup import prepare, startup_problems

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2


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
    db.upgrade(load_settings().database_url)
    with db.session_scope(engine) as session:
        stored = minutes.store_unrecorded(session, actor=auth.SYSTEM_ACTOR, now=clock.now())
    if stored:
        print(f"{stored} justerade protokoll från en tidigare version av portalen är nu lagrade som PDF.")
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
    return [clinic.id for clinic in found.values()]


def cmd_user_add(args) -> int:
    """Add a user; the password comes from standard input or is generated and shown once."""
    import secrets
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else secrets.token_urlsafe(12)
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


def _read_file(path: str) -> bytes:
    """Read a file the user named, or refuse with a Swedish message."""
    try:
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
                                                    replace=args.replace, narrative_name=narrative and narrative[1])
        else:
            plan = annual_report_import.import_annual_report(
                session, actor=actor, data=data, filename=Path(args.path).name, replace=args.replace,
                narrative=narrative, now=clock.now())
    for warning in plan.warnings:
        print(f"Varning: {warning}", file=sys.stderr)
    print(plan.summary())
    print("Provkörning: inget sparades." if args.dry_run else "Strålskyddsbokslutet är inläst.")
    return EXIT_OK


def _positive_list(text: str) -> list[int]:
    """Parse "15,60,240" into whole numbers above zero."""
    try:
        numbers = [int(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError(f"\"{text}\" är inte heltal större än noll, åtskilda med komma")
    return numbers


def cmd_bench(args) -> int:
    """Measure on generated data in temporary databases (never the configured one); print JSON."""
    try:
        from benchmarks.run import BENCHMARKS, run, sizes_for
    except ImportError:
        raise UserError("Mätningarna finns bara i källkoden: kör `make bench` eller `stralportal bench` "
                        "i projektmappen.") from None
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
        if version and version != review.minutes_version or review.status == "approved":
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
    """Write the action plan as XLSX or CSV (by the file's suffix), with the columns of spec/cli.md."""
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UserError(f"{args.output}: filen ska sluta på .xlsx eller .csv.")
    with Session(_migrated_engine()) as session:
        actor = _actor(session, args)
        clinic_ids = [_clinic_by_code(session, actor, args.clinic).id] if args.clinic else None
        today = clock.today()
        listed = actions.list_actions(session, actor=actor, today=today, clinic_ids=clinic_ids, year=args.year,
                                      statuses=list(actions.OPEN) if args.open else None)
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
        text = _read_file(args.path).decode("utf-8")
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
        raise UserError(f"{args.path} är inte en säkerhetskopia från Strålsäkerhetsportalen (inte giltig JSON).") from None
    counts = backup_module.restore(engine, document)
    print(f"Återställt {sum(counts.values())} rader från {args.path}.")
    return EXIT_OK


def cmd_serve(args) -> int:
    """Migrate, load the demo into an empty database when enabled, refuse unsafe production, start."""
    settings = load_settings()
    engine = prepare(settings)
    problems = startup_problems(engine, settings)
    if problems:
        print("Portalen startar inte i drift:", *(f"- {p}" for p in problems), sep="\n", file=sys.stderr)
        return EXIT_FAILED
    os.chdir(PROJECT_DIR)
    argv = [sys.executable, "-m", "streamlit", "run", "app.py", f"--server.port={args.port}",
            f"--server.address={args.address}", "--server.headless=true",
            "--browser.gatherUsageStats=false"]
    os.execv(sys.executable, argv)
    return EXIT_OK


def _group(sub, name: str, help_text: str):
    """Add a command group (like `user`) and return its sub-commands."""
    return sub.add_parser(name, help=help_text).add_subparsers(dest=f"{name}_command", required=True,
                                                               metavar="KOMMANDO")


def _user_commands(sub) -> None:
    """Describe `user add` and `user deactivate`."""
    group = _group(sub, "user", "användare")
    off = group.add_parser("deactivate", help="inaktivera användare (de kan inte längre logga in)")
    off.add_argument("usernames", nargs="+", metavar="ANVÄNDARNAMN")
    off.set_defaults(func=cmd_user_deactivate)
    add = group.add_parser("add", help="lägg till en användare")
    add.add_argument("username", metavar="ANVÄNDARNAMN", help="inloggningsnamn: små bokstäver a–z, siffror, . - _")
    add.add_argument("--name", required=True, metavar="NAMN", help="för- och efternamn, t.ex. \"Anna Berg\"")
    add.add_argument("--email", required=True, metavar="E-POST", help="e-postadress för påminnelser")
    add.add_argument("--role", required=True, choices=[r.value for r in Role], metavar="ROLL",
                     help="en av " + ", ".join(r.value for r in Role))
    add.add_argument("--clinic", action="append", default=[], metavar="KOD", help="klinikkod (kan upprepas)")
    add.add_argument("--password-stdin", action="store_true", help="läs lösenordet från standard in")
    add.set_defaults(func=cmd_user_add)


def _clinic_commands(sub) -> None:
    """Describe `clinic add`."""
    add = _group(sub, "clinic", "kliniker").add_parser("add", help="lägg till en klinik")
    add.add_argument("code", metavar="KOD", help="kort klinikkod, t.ex. RTG (kan inte ändras senare)")
    add.add_argument("--name", required=True, metavar="NAMN", help="klinikens namn, t.ex. Röntgenkliniken")
    add.add_argument("--site", metavar="SJUKHUS", help="sjukhus eller ort")
    add.add_argument("--modality", action="append", default=[], metavar="MODALITET",
                     help="t.ex. Röntgen, Nuklearmedicin, Strålbehandling (kan upprepas)")
    add.set_defaults(func=cmd_clinic_add)


def _database_commands(sub) -> None:
    """Describe `db upgrade`, `demo`, `backup`, `restore` and `serve`."""
    _group(sub, "db", "databasen").add_parser("upgrade", help="skapa eller uppgradera databasen") \
        .set_defaults(func=cmd_db_upgrade)
    sub.add_parser("demo", help="läs in demoorganisationen (ändrar inget andra gången)").set_defaults(func=cmd_demo)
    backup = sub.add_parser("backup", help="skriv en säkerhetskopia av hela databasen")
    backup.add_argument("-o", "--output", required=True, metavar="FIL.json")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="läs in en säkerhetskopia i en tom databas")
    restore.add_argument("path", metavar="FIL.json")
    restore.set_defaults(func=cmd_restore)
    serve = sub.add_parser("serve", help="migrera, läs in demo vid behov och starta webbportalen")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="127.0.0.1", help="adress att lyssna på (0.0.0.0 på en server)")
    serve.set_defaults(func=cmd_serve)
    bench = sub.add_parser("bench", help="mät hastighet och minne på genererade data (skriver JSON)")
    bench.add_argument("which", nargs="?", default="all", choices=["import", "minutes", "pages", "cli", "all"],
                       metavar="MÄTNING", help="import, minutes, pages, cli eller all (standard)")
    bench.add_argument("--scales", type=_positive_list, metavar="N,N,…",
                       help="antal kliniker för sidmätningen (standard 15,60,240)")
    bench.add_argument("--runs", type=int, metavar="N", help="antal mätta körningar (medianen visas; standard 3)")
    bench.add_argument("--small", action="store_true", help="små data: visar att mätningen fungerar (testerna)")
    bench.set_defaults(func=cmd_bench)


def _bokslut_commands(sub) -> None:
    """Describe `bokslut template` and `bokslut import`."""
    group = _group(sub, "bokslut", "strålskyddsbokslut")
    template = group.add_parser("template", help="skriv den tomma arbetsboken")
    template.add_argument("path", metavar="FIL.xlsx")
    template.set_defaults(func=cmd_bokslut_template)
    load = group.add_parser("import", help="läs in en ifylld arbetsbok")
    load.add_argument("path", metavar="FIL.xlsx")
    load.add_argument("--dry-run", action="store_true", help="kontrollera och visa ändringarna utan att spara")
    load.add_argument("--replace", action="store_true", help="ersätt ett redan inläst bokslut för samma år")
    load.add_argument("--attach", metavar="DOKUMENT", help="bokslutet som löptext (PDF eller Word) att spara med")
    load.set_defaults(func=cmd_bokslut_import)


def _minutes_commands(sub) -> None:
    """Describe `minutes pdf`."""
    pdf = _group(sub, "minutes", "protokoll").add_parser("pdf", help="skriv protokollet som PDF")
    pdf.add_argument("--clinic", required=True, metavar="KOD", help="klinikkod, t.ex. RTG")
    pdf.add_argument("--year", required=True, type=int, metavar="ÅR", help="året då genomgången hölls")
    pdf.add_argument("--version", type=int, metavar="N", dest="minutes_version",
                     help="en tidigare justerad version (standard: den gällande)")
    pdf.add_argument("-o", "--output", required=True, metavar="FIL.pdf")
    pdf.set_defaults(func=cmd_minutes_pdf)
    zipped = sub.add_parser("archive", help="skriv arkivet för en genomgång (ZIP med protokoll, åtgärdsplan, "
                                            "bokslut, bilagor och manifest)")
    zipped.add_argument("--clinic", required=True, metavar="KOD", help="klinikkod, t.ex. RTG")
    zipped.add_argument("--year", required=True, type=int, metavar="ÅR", help="året då genomgången hölls")
    zipped.add_argument("-o", "--output", required=True, metavar="FIL.zip")
    zipped.set_defaults(func=cmd_archive)


def _actions_commands(sub) -> None:
    """Describe `actions export`."""
    export = _group(sub, "actions", "åtgärder").add_parser("export", help="skriv åtgärdsplanen som XLSX eller CSV")
    export.add_argument("--clinic", metavar="KOD", help="bara denna klinik")
    export.add_argument("--year", type=int, metavar="ÅR", help="bara åtgärder beslutade vid genomgången detta år")
    export.add_argument("--open", action="store_true", help="bara öppna åtgärder (ej påbörjade och pågående)")
    export.add_argument("-o", "--output", required=True, metavar="FIL.xlsx|FIL.csv")
    export.set_defaults(func=cmd_actions_export)


def _remind_command(sub) -> None:
    """Describe `remind`."""
    remind = sub.add_parser("remind", help="skicka dagens påminnelser om åtgärder (för ett dagligt schemalagt jobb)")
    remind.add_argument("--dry-run", action="store_true", help="visa vad som skulle skickas utan att skicka")
    remind.add_argument("--today", metavar="ÅÅÅÅ-MM-DD", help="datum som reglerna utgår från (standard: i dag)")
    remind.set_defaults(func=cmd_remind)


def _criteria_commands(sub) -> None:
    """Describe `criteria load`."""
    load = _group(sub, "criteria", "egenkontrollens kriterier").add_parser("load", help="läs in en ny version (YAML)")
    load.add_argument("path", metavar="FIL.yaml")
    load.set_defaults(func=cmd_criteria_load)


def build_parser() -> argparse.ArgumentParser:
    """Describe the commands of spec/cli.md (in Swedish, as users see them)."""
    parser = SwedishArgumentParser(prog="stralportal", description="Strålsäkerhetsportalen på kommandoraden.")
    parser.add_argument("--as-user", metavar="ANVÄNDARNAMN",
                        help="agera som denna användare, med dess behörigheter (annars som serverns administratör)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    _database_commands(sub)
    _user_commands(sub)
    _clinic_commands(sub)
    _bokslut_commands(sub)
    _minutes_commands(sub)
    _actions_commands(sub)
    _criteria_commands(sub)
    _remind_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status: 0 done, 2 refused, 1 anything else."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InvalidInput as exc:
        if len(exc.problems) > 1:
            print(f"Inget ändrades. {len(exc.problems)} fel:", *(f"- {p}" for p in exc.problems), sep="\n",
                  file=sys.stderr)
        else:
            print(f"Fel: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except REFUSALS as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001  the operator gets one line, not a stack trace
        print(f"Oväntat fel: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
