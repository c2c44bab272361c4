"""Swedish formats for screen and paper: ÅÅÅÅ-MM-DD, decimal comma, space between thousands."""
from datetime import date, datetime

from core.clock import local

NBSP = "\u00a0"  # keeps "1 250" on one line


def date_text(value: date | None) -> str:
    """Format a date as ÅÅÅÅ-MM-DD (empty for None)."""
    return value.isoformat() if value else ""


def datetime_text(value: datetime | None) -> str:
    """Format a stored UTC moment as Swedish local 'ÅÅÅÅ-MM-DD HH:MM'."""
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def percent_text(value: float | None, decimals: int | None = None) -> str:
    """Format a share as "78,9 %", never broken between the number and the sign (empty when unknown)."""
    return "" if value is None else f"{number_text(value, decimals)}{NBSP}%"


def measured_text(value: float | int | None) -> str:
    """Format a measured figure with the decimals it has (up to three): a DRL of 0,25 must not read 0,2."""
    if value is None:
        return ""
    decimals = next((d for d in range(3) if round(float(value), d) == round(float(value), 3)), 3)
    return number_text(value, decimals)


def number_text(value: float | int | None, decimals: int | None = None) -> str:
    """Format a number with a space between thousands and a decimal comma (1 250,5)."""
    if value is None:
        return ""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")
