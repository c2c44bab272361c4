"""`stralportal verify --history`: walk the change history's hash chain and say in Swedish whether it holds."""
import sys

from sqlmodel import Session

from core.commands import _actor, _migrated_engine
from core.errors import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, UserError
from core.services import history_chain


def cmd_verify(args) -> int:
    """Check the history's chain (--history): exit 0 when it holds, 1 when it is broken."""
    if not args.history:
        if args.path is None:
            raise UserError("Ange filen som ska kontrolleras, eller --history för ändringshistoriken.")
        print("Kontrollen av PDF-filer kommer i en annan ändring.", file=sys.stderr)
        return EXIT_REFUSED
    if args.path is not None:
        raise UserError("Ange antingen en fil eller --history, inte båda.")
    with Session(_migrated_engine()) as session:
        report = history_chain.check_chain(session, actor=_actor(session, args))
    print(report.message)
    return EXIT_OK if report.intact else EXIT_FAILED
