"""E-mail addresses and the one-line values around them (subjects, display names): checked once, here.

An address is parsed with the standard library's RFC 5322 parser (email.headerregistry.Address) and must come
back exactly as typed, so a comment, a second address or a header smuggled in after a line break is refused.
"""
import re
import unicodedata
from email.errors import HeaderParseError, MessageDefect
from email.headerregistry import Address

MAX_LENGTH = 254  # RFC 5321's longest path, and the columns that hold an address
MAX_LOCAL_LENGTH = 64
EXAMPLE = "till exempel förnamn.efternamn@sjukhus.se"
_DNS_PART = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", re.IGNORECASE)
_BREAKING = {"Cc", "Zl", "Zp"}  # control characters and the Unicode line and paragraph separators


def _has_control(text: str) -> bool:
    """Tell whether the text holds a line break, a control character or a Unicode line separator."""
    return any(unicodedata.category(c) in _BREAKING for c in text)


def _parsed(text: str) -> Address | None:
    """Parse one bare address (local@domain) or return None."""
    try:
        address = Address(addr_spec=text)
    except (HeaderParseError, MessageDefect, ValueError, IndexError):
        return None
    return address if address.addr_spec == text else None


def _domain_problem(domain: str) -> str | None:
    """Say what is wrong with the part after @, if anything."""
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DNS_PART.match(label) for label in labels):
        return f"delen efter @ är inte ett domännamn ({EXAMPLE})."
    return None


def address_problem(text: str) -> str | None:
    """Say in Swedish what is wrong with an e-mail address, or None when it can be written to."""
    if _has_control(text):
        return "adressen innehåller en radbrytning eller ett annat styrtecken."
    if len(text) > MAX_LENGTH:
        return f"högst {MAX_LENGTH} tecken (adressen har {len(text)})."
    if not text.isascii():
        return "å, ä, ö och andra tecken utanför a–z går inte i e-postadressen."
    address = _parsed(text)
    if address is None or not address.username:
        return f"\"{text}\" är inte en giltig e-postadress ({EXAMPLE})."
    if len(text.rpartition("@")[0]) > MAX_LOCAL_LENGTH:
        return f"högst {MAX_LOCAL_LENGTH} tecken före @."
    return _domain_problem(address.domain)


def is_valid(text: str | None) -> bool:
    """Tell whether a stored address can be written to (one stored before addresses were checked may not)."""
    return bool(text) and address_problem(text or "") is None


def shown(text: str) -> str:
    """Return a stored address fit to name in a message: on one line and cut short."""
    line = one_line(text)
    return line if len(line) <= 60 else line[:57] + "…"


def one_line(text: str) -> str:
    """Return text as one line: each run of line breaks, control characters and spaces becomes one space."""
    spaced = "".join(" " if unicodedata.category(c) in _BREAKING else c for c in text)
    return " ".join(spaced.split())
