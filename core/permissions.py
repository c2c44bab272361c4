"""Who may do what (docs/DESIGN.md §4). Pages and the command line both ask here, never decide themselves."""
from dataclasses import dataclass, field
from enum import StrEnum

from core.enums import Role


class Permission(StrEnum):
    """Something a user may be allowed to do, possibly limited to a clinic."""

    VIEW_CLINIC = "view_clinic"
    MANAGE_CLINICS = "manage_clinics"
    MANAGE_USERS = "manage_users"
    IMPORT_ANNUAL_REPORT = "import_annual_report"
    MANAGE_TEMPLATES = "manage_templates"
    PREPARE_REVIEW = "prepare_review"
    APPROVE_REVIEW = "approve_review"
    DECIDE_ACTIONS = "decide_actions"
    FOLLOW_UP_ACTIONS = "follow_up_actions"
    EDIT_SELF_ASSESSMENT = "edit_self_assessment"
    REGISTER_EVENTS = "register_events"
    ADMINISTER_DATABASE = "administer_database"
    READ_HISTORY = "read_history"


# What each permission is called in a refusal: "Du saknar behörighet att …".
PERMISSION_WORDS = {
    Permission.VIEW_CLINIC: "se klinikens uppgifter",
    Permission.MANAGE_CLINICS: "lägga till eller ändra kliniker",
    Permission.MANAGE_USERS: "hantera användare",
    Permission.IMPORT_ANNUAL_REPORT: "läsa in strålskyddsbokslut",
    Permission.MANAGE_TEMPLATES: "hantera mallar",
    Permission.PREPARE_REVIEW: "förbereda och leda klinikens genomgång",
    Permission.APPROVE_REVIEW: "justera protokollet som ordförande",
    Permission.DECIDE_ACTIONS: "besluta åtgärder",
    Permission.FOLLOW_UP_ACTIONS: "följa upp åtgärder",
    Permission.EDIT_SELF_ASSESSMENT: "göra klinikens egenkontroll",
    Permission.REGISTER_EVENTS: "registrera händelser och avvikelser",
    Permission.ADMINISTER_DATABASE: "säkerhetskopiera, återställa eller uppgradera databasen",
    Permission.READ_HISTORY: "läsa och kontrollera hela ändringshistoriken",
}

ALL_CLINICS = "all"
OWN_CLINICS = "own"
P = Permission
# Role → permission → scope: everywhere, or only in the user's own clinics.
GRANTS: dict[Role, dict[Permission, str]] = {
    Role.ADMIN: {p: ALL_CLINICS for p in Permission},
    Role.STRATEG: {P.VIEW_CLINIC: ALL_CLINICS, P.MANAGE_CLINICS: ALL_CLINICS,
                   P.IMPORT_ANNUAL_REPORT: ALL_CLINICS, P.MANAGE_TEMPLATES: ALL_CLINICS,
                   P.FOLLOW_UP_ACTIONS: ALL_CLINICS},
    Role.VERKSAMHETSCHEF: {P.VIEW_CLINIC: OWN_CLINICS, P.PREPARE_REVIEW: OWN_CLINICS,
                           P.APPROVE_REVIEW: OWN_CLINICS, P.DECIDE_ACTIONS: OWN_CLINICS,
                           P.FOLLOW_UP_ACTIONS: OWN_CLINICS, P.EDIT_SELF_ASSESSMENT: OWN_CLINICS,
                           P.REGISTER_EVENTS: OWN_CLINICS},
    Role.SAMORDNARE: {P.VIEW_CLINIC: OWN_CLINICS, P.PREPARE_REVIEW: OWN_CLINICS,
                      P.DECIDE_ACTIONS: OWN_CLINICS, P.FOLLOW_UP_ACTIONS: OWN_CLINICS,
                      P.EDIT_SELF_ASSESSMENT: OWN_CLINICS, P.REGISTER_EVENTS: OWN_CLINICS},
    Role.DELTAGARE: {P.VIEW_CLINIC: OWN_CLINICS},
    Role.LASARE: {P.VIEW_CLINIC: OWN_CLINICS},
}

# Roles that only make sense together with at least one clinic.
CLINIC_ROLES = {Role.VERKSAMHETSCHEF, Role.SAMORDNARE, Role.DELTAGARE, Role.LASARE}


class PermissionDenied(Exception):
    """Raised when the actor may not do what was asked; the message is Swedish."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user, or the server's command line."""

    user_id: int | None
    username: str
    name: str
    role: Role
    clinic_ids: frozenset[int] = field(default_factory=frozenset)


def can(actor: Actor, permission: Permission, clinic_id: int | None = None) -> bool:
    """Tell whether the actor holds the permission (for that clinic, when one is given)."""
    scope = GRANTS[actor.role].get(permission)
    if scope == ALL_CLINICS:
        return True
    if scope == OWN_CLINICS:
        return clinic_id is None and bool(actor.clinic_ids) or clinic_id in actor.clinic_ids
    return False


def require(actor: Actor, permission: Permission, clinic_id: int | None = None) -> None:
    """Raise PermissionDenied unless the actor holds the permission."""
    if not can(actor, permission, clinic_id):
        raise PermissionDenied(f"Du saknar behörighet att {PERMISSION_WORDS[permission]}.")


def sees_every_clinic(role: str) -> bool:
    """Tell whether a role sees every clinic of the organisation (whatever clinics the user is linked to)."""
    return GRANTS[Role(role)].get(Permission.VIEW_CLINIC) == ALL_CLINICS


def visible_clinic_ids(actor: Actor) -> frozenset[int] | None:
    """Return the clinics the actor may see, or None when it may see every clinic."""
    if sees_every_clinic(actor.role):
        return None
    return actor.clinic_ids
