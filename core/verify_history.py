"""`stralportal verify --history`: walk the change history's hash chain and say in Swedish whether it holds."""
from sqlmodel import Session

from core.commands import _actor, _migrated_engine
from core.errors import EXIT_FAILED, EXIT_OK
from core.services import history_chain


def cmd_verify_history(args) -> int:
    """Check the history's chain (`verify --history`, from core/verify_command.py): 0 when it holds, 1 when broken."""
    with Session(_migrated_engine()) as session:
        report = history_chain.check_chain(session, actor=_actor(session, args))
    print(report.message)
    return EXIT_OK if report.intact else EXIT_FAILED
