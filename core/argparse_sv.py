"""argparse with its own texts in Swedish, since every word a user reads is Swedish."""
import argparse

SWEDISH = {
    "usage: ": "användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "the following arguments are required: %s": "följande argument krävs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "expected one argument": "förväntade ett värde",
    "invalid %(type)s value: %(value)r": "ogiltigt värde för %(type)s: %(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
}


def _swedish(text: str) -> str:
    """Translate one of argparse's own texts."""
    return SWEDISH.get(text, text)


# argparse looks its texts up through its module-level gettext alias.
argparse._ = _swedish  # type: ignore[attr-defined]  # argparse has no typed hook for its texts


class SwedishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose built-in texts are Swedish."""
