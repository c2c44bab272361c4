"""`stralportal verify FILE`: is this PDF or archive an unaltered approved version of the portal's minutes?

Offline: the seal is checked against the portal's own certificate without any network. The database is asked
which approved version it is when it can be reached; when it cannot, the answer says so and rests on the seal.
Exit status 0 only for an unaltered approved version (or an archive of them), 1 for anything else, 2 for a usage
error (no file given, a file that cannot be read).
"""
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from core import backup as backup_module
from core import db
from core.config import Settings, load_settings
from core.errors import EXIT_FAILED, EXIT_OK, UserError
from core.services import auth, verification


def _missing_sqlite_file(url: str) -> bool:
    """Tell whether the URL names an SQLite file that does not exist (connecting would create an empty one)."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and bool(parsed.database) and parsed.database != ":memory:" \
        and not Path(str(parsed.database)).is_file()


@contextmanager
def _session_if_reachable(settings: Settings) -> Iterator[Session | None]:
    """Open a read-only session on the portal's database, or give None when it cannot be reached or is not created."""
    if _missing_sqlite_file(settings.database_url):
        yield None
        return
    engine = db.make_engine(settings.database_url)
    try:
        created = backup_module.schema_revision(engine) is not None
    except SQLAlchemyError:
        created = False
    if not created:
        engine.dispose()
        yield None
        return
    with Session(engine) as session:
        yield session
        session.rollback()  # the check only reads
    engine.dispose()


def _read(path: str) -> bytes | str:
    """Read the file, or return the Swedish refusal (too big: refused by its size before it is read)."""
    target = Path(path)
    try:
        size = target.stat().st_size
        if target.is_dir():
            raise IsADirectoryError
    except FileNotFoundError:
        raise UserError(f"{path} finns inte.") from None
    except IsADirectoryError:
        raise UserError(f"{path} är en mapp, inte en fil.") from None
    except OSError as exc:
        raise UserError(f"Kan inte läsa {path}: {exc.strerror or exc}.") from None
    problem = verification.size_problem(size)
    if problem:
        return problem
    try:
        return target.read_bytes()
    except OSError as exc:
        raise UserError(f"Kan inte läsa {path}: {exc.strerror or exc}.") from None


def _actor(session: Session | None, username: str | None):
    """Return who asks: the named user, or the server's administrator."""
    if not username or session is None:
        return auth.SYSTEM_ACTOR
    actor = auth.actor_for(session, username.lower())
    if actor is None:
        raise UserError(f"Användaren {username} finns inte eller är inaktiverad.")
    return actor


def cmd_verify(args) -> int:
    """Check a PDF or an archive from the portal (or, with --history, the change history) and say what it is."""
    if args.history and args.path:
        raise UserError("Ange antingen en fil eller --history, inte båda.")
    if args.history:
        from core.verify_history import cmd_verify_history  # the history's check needs the portal's database
        return cmd_verify_history(args)
    if not args.path:
        raise UserError("Ange filen som ska kontrolleras, eller --history för ändringshistoriken: "
                        "stralportal verify FIL.pdf (eller FIL.zip).")
    data = _read(args.path)
    if isinstance(data, str):
        print(f"{args.path}: {data}\nResultat: filen kontrollerades inte.")
        return EXIT_FAILED
    settings = load_settings()
    with _session_if_reachable(settings) as session:
        verdict = verification.verify_file(data, session=session, actor=_actor(session, args.as_user),
                                           settings=settings)
    print(f"Kontroll av {args.path}:", *verdict.lines, sep="\n")
    return EXIT_OK if verdict.ok else EXIT_FAILED
