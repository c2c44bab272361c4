"""Errors that carry a Swedish message for the user; the command line exits 2 on them."""
from core.permissions import PermissionDenied


class UserError(Exception):
    """A refusal the user can act on; str(error) is the Swedish message."""


class InvalidInput(UserError):
    """One or more fields were refused; each problem names its field."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class NotFound(UserError):
    """The thing asked for does not exist (or is not visible to the actor)."""


class Conflict(UserError):
    """Someone else saved first; the user must reload before saving again."""


REFUSALS = (UserError, PermissionDenied)
EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2  # the command line's exit statuses (docs/spec/cli.md)
