"""The `stralportal` command line (docs/spec/cli.md): same database, same permission rules as the pages.

This module only describes the commands, so `stralportal --help` starts at once; the libraries a command
needs (pandas, Altair, fpdf2, SQLAlchemy) are imported by core/commands.py when one runs.
"""
import argparse
import importlib
import sys

from core.argparse_sv import SwedishArgumentParser
from core.enums import Role
from core.errors import EXIT_FAILED, EXIT_REFUSED, REFUSALS, InvalidInput


def _lazy(name: str, module: str = "core.commands"):
    """Return a stand-in that imports the command's module (core.commands by default) and runs the named command."""
    def run(args) -> int:
        return getattr(importlib.import_module(module), name)(args)
    run.__name__ = name
    return run


def _positive(text: str) -> int:
    """Parse a whole number above zero."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"\"{text}\" är inte ett heltal större än noll")
    return int(text)


def _positive_list(text: str) -> list[int]:
    """Parse "15,60,240" into whole numbers above zero."""
    try:
        return [_positive(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"\"{text}\" är inte heltal större än noll, åtskilda med komma") from None


def _group(sub, name: str, help_text: str):
    """Add a command group (like `user`) and return its sub-commands."""
    return sub.add_parser(name, help=help_text).add_subparsers(dest=f"{name}_command", required=True,
                                                               metavar="KOMMANDO")


def _user_commands(sub) -> None:
    """Describe `user add` and `user deactivate`."""
    group = _group(sub, "user", "användare")
    off = group.add_parser("deactivate", help="inaktivera användare (de kan inte längre logga in)")
    off.add_argument("usernames", nargs="+", metavar="ANVÄNDARNAMN")
    off.set_defaults(func=_lazy("cmd_user_deactivate"))
    add = group.add_parser("add", help="lägg till en användare")
    add.add_argument("username", metavar="ANVÄNDARNAMN", help="inloggningsnamn: små bokstäver a–z, siffror, . - _")
    add.add_argument("--name", required=True, metavar="NAMN", help="för- och efternamn, t.ex. \"Anna Berg\"")
    add.add_argument("--email", required=True, metavar="E-POST", help="e-postadress för påminnelser")
    add.add_argument("--role", required=True, choices=[r.value for r in Role], metavar="ROLL",
                     help="en av " + ", ".join(r.value for r in Role))
    add.add_argument("--clinic", action="append", default=[], metavar="KOD", help="klinikkod (kan upprepas)")
    add.add_argument("--password-stdin", action="store_true", help="läs lösenordet från standard in")
    add.set_defaults(func=_lazy("cmd_user_add"))


def _clinic_commands(sub) -> None:
    """Describe `clinic add`."""
    add = _group(sub, "clinic", "kliniker").add_parser("add", help="lägg till en klinik")
    add.add_argument("code", metavar="KOD", help="kort klinikkod, t.ex. RTG (kan inte ändras senare)")
    add.add_argument("--name", required=True, metavar="NAMN", help="klinikens namn, t.ex. Röntgenkliniken")
    add.add_argument("--site", metavar="SJUKHUS", help="sjukhus eller ort")
    add.add_argument("--modality", action="append", default=[], metavar="MODALITET",
                     help="t.ex. Röntgen, Nuklearmedicin, Strålbehandling (kan upprepas)")
    add.set_defaults(func=_lazy("cmd_clinic_add"))


def _database_commands(sub) -> None:
    """Describe `db upgrade`, `demo`, `backup`, `restore` and `serve`."""
    _group(sub, "db", "databasen").add_parser("upgrade", help="skapa eller uppgradera databasen") \
        .set_defaults(func=_lazy("cmd_db_upgrade"))
    demo = sub.add_parser("demo", help="läs in demoorganisationen (ändrar inget andra gången)")
    demo.set_defaults(func=_lazy("cmd_demo"))
    backup = sub.add_parser("backup", help="skriv en säkerhetskopia av hela databasen")
    backup.add_argument("-o", "--output", required=True, metavar="FIL.json")
    backup.set_defaults(func=_lazy("cmd_backup"))
    restore = sub.add_parser("restore", help="läs in en säkerhetskopia i en tom databas")
    restore.add_argument("path", metavar="FIL.json")
    restore.set_defaults(func=_lazy("cmd_restore"))
    setup = sub.add_parser("setup", help="första start: lägg upp organisationen och den första administratören")
    setup.add_argument("--organisation", required=True, metavar="NAMN", help="t.ex. \"Universitetssjukhuset i Norrby\"")
    setup.add_argument("--licence-holder", required=True, metavar="TILLSTÅNDSHAVARE", help="t.ex. \"Region Norrby\"")
    setup.add_argument("--licence-number", required=True, metavar="NUMMER", help="SSM:s tillståndsnummer")
    setup.add_argument("--admin", required=True, metavar="ANVÄNDARNAMN", help="den första administratörens inloggning")
    setup.add_argument("--name", required=True, metavar="NAMN", help="administratörens för- och efternamn")
    setup.add_argument("--email", required=True, metavar="E-POST", help="administratörens e-postadress")
    setup.add_argument("--password-stdin", action="store_true", help="läs lösenordet från standard in")
    setup.set_defaults(func=_lazy("cmd_setup"))
    serve = sub.add_parser("serve", help="migrera, läs in demo vid behov och starta webbportalen")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="127.0.0.1", help="adress att lyssna på (0.0.0.0 på en server)")
    serve.set_defaults(func=_lazy("cmd_serve"))
    bench = sub.add_parser("bench", help="mät hastighet och minne på genererade data (skriver JSON)")
    bench.add_argument("which", nargs="?", default="all",
                       choices=["import", "minutes", "pages", "cli", "browser", "all"],
                       metavar="MÄTNING", help="import, minutes, pages, cli, browser eller all (standard)")
    bench.add_argument("--scales", type=_positive_list, metavar="N,N,…",
                       help="antal kliniker för sidmätningen (standard 15,60,240)")
    bench.add_argument("--runs", type=_positive, metavar="N", help="antal mätta körningar (medianen visas; standard 3)")
    bench.add_argument("--small", action="store_true", help="små data: visar att mätningen fungerar (testerna)")
    bench.set_defaults(func=_lazy("cmd_bench"))


def _bokslut_commands(sub) -> None:
    """Describe `bokslut template` and `bokslut import`."""
    group = _group(sub, "bokslut", "strålskyddsbokslut")
    template = group.add_parser("template", help="skriv den tomma arbetsboken")
    template.add_argument("path", metavar="FIL.xlsx")
    template.set_defaults(func=_lazy("cmd_bokslut_template"))
    load = group.add_parser("import", help="läs in en ifylld arbetsbok")
    load.add_argument("path", metavar="FIL.xlsx")
    load.add_argument("--dry-run", action="store_true", help="kontrollera och visa ändringarna utan att spara")
    load.add_argument("--replace", action="store_true", help="ersätt ett redan inläst bokslut för samma år")
    load.add_argument("--attach", metavar="DOKUMENT", help="bokslutet som löptext (PDF eller Word) att spara med")
    load.set_defaults(func=_lazy("cmd_bokslut_import"))


def _minutes_commands(sub) -> None:
    """Describe `minutes pdf`."""
    pdf = _group(sub, "minutes", "protokoll").add_parser("pdf", help="skriv protokollet som PDF")
    pdf.add_argument("--clinic", required=True, metavar="KOD", help="klinikkod, t.ex. RTG")
    pdf.add_argument("--year", required=True, type=int, metavar="ÅR", help="året då genomgången hölls")
    pdf.add_argument("--version", type=int, metavar="N", dest="minutes_version",
                     help="en tidigare justerad version (standard: den gällande)")
    pdf.add_argument("-o", "--output", required=True, metavar="FIL.pdf")
    pdf.set_defaults(func=_lazy("cmd_minutes_pdf"))
    zipped = sub.add_parser("archive", help="skriv arkivet för en genomgång (ZIP med protokoll, åtgärdsplan, "
                                            "bokslut, bilagor och manifest)")
    zipped.add_argument("--clinic", required=True, metavar="KOD", help="klinikkod, t.ex. RTG")
    zipped.add_argument("--year", required=True, type=int, metavar="ÅR", help="året då genomgången hölls")
    zipped.add_argument("-o", "--output", required=True, metavar="FIL.zip")
    zipped.set_defaults(func=_lazy("cmd_archive"))


def _actions_commands(sub) -> None:
    """Describe `actions export`."""
    export = _group(sub, "actions", "åtgärder").add_parser("export", help="skriv åtgärdsplanen som XLSX eller CSV")
    export.add_argument("--clinic", metavar="KOD", help="bara denna klinik")
    export.add_argument("--year", type=int, metavar="ÅR", help="bara åtgärder beslutade vid genomgången detta år")
    export.add_argument("--open", action="store_true", help="bara öppna åtgärder (ej påbörjade och pågående)")
    export.add_argument("-o", "--output", required=True, metavar="FIL.xlsx|FIL.csv")
    export.set_defaults(func=_lazy("cmd_actions_export"))


def _remind_command(sub) -> None:
    """Describe `remind`."""
    remind = sub.add_parser("remind", help="skicka dagens påminnelser om åtgärder (för ett dagligt schemalagt jobb)")
    remind.add_argument("--dry-run", action="store_true", help="visa vad som skulle skickas utan att skicka")
    remind.add_argument("--today", metavar="ÅÅÅÅ-MM-DD", help="datum som reglerna utgår från (standard: i dag)")
    remind.set_defaults(func=_lazy("cmd_remind"))


def _verify_command(sub) -> None:
    """Describe `verify` (a protocol's PDF or a review's archive, or the change history with --history)."""
    verify = sub.add_parser("verify", help="kontrollera att en PDF (eller ett arkiv) är ett oförändrat justerat "
                                           "protokoll från portalen, eller med --history att ändringshistoriken "
                                           "är obruten")
    verify.add_argument("path", nargs="?", metavar="FIL", help="protokollet (PDF) eller arkivet (ZIP)")
    verify.add_argument("--history", action="store_true",
                        help="gå igenom ändringshistorikens kedja och namnge den första posten som ändrats, "
                             "tagits bort eller lagts till")
    verify.set_defaults(func=_lazy("cmd_verify", "core.verify_command"))  # an inspector's check: no demo, no charts


def _criteria_commands(sub) -> None:
    """Describe `criteria load`."""
    load = _group(sub, "criteria", "egenkontrollens kriterier").add_parser("load", help="läs in en ny version (YAML)")
    load.add_argument("path", metavar="FIL.yaml")
    load.set_defaults(func=_lazy("cmd_criteria_load"))


def build_parser() -> argparse.ArgumentParser:
    """Describe the commands of docs/spec/cli.md (in Swedish, as users see them)."""
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
    _verify_command(sub)
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
