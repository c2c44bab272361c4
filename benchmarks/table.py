"""Turn `stralportal bench` JSON into the README's Markdown tables: python -m benchmarks.table BENCH.json."""
import json
import sys


def _s(seconds: float) -> str:
    """Seconds with a decimal comma, as the README's readers write them."""
    return f"{seconds:.3f}".replace(".", ",")


def _x(ratio: float) -> str:
    """A ratio with a decimal comma."""
    return f"{ratio:.1f}".replace(".", ",") + "×"


def pages_table(pages: dict) -> str:
    """One row per page: the floor, then seconds and ratio at each scale."""
    scales = [str(n) for n in pages["scales"]]
    head = ["Sida (strateg)", "1 klinik (golv)", *(f"{n} kliniker" for n in scales)]
    rows = [[title, _s(m["floor"]), *(f"{_s(m[n]['seconds'])} ({_x(m[n]['ratio'])})" for n in scales)]
            for title, m in pages["by_page"].items()]
    rows.append(["Serverns minne efter alla sidor (topp-RSS)", f"{pages['server_peak_mb']['1']:.0f} MB",
                 *(f"{pages['server_peak_mb'][n]:.0f} MB" for n in scales)])
    rows.append(["Kallstart: process till första sidan", _s(pages["cold_start_seconds"]["1"]),
                 *(_s(pages["cold_start_seconds"][n]) for n in scales)])
    return _markdown(head, rows)


def other_table(figures: dict) -> str:
    """Import, minutes and command line: in-process next to whole process, peak RSS."""
    head = ["Mätning", "I processen", "Golv", "Hela processen", "Topp-RSS"]
    rows = []
    if "import" in figures:
        m = figures["import"]
        rows.append([f"Läsa in bokslut ({m['clinics']} kliniker, {m['indicators']} indikatorer, "
                     f"{m['findings']} brister)", f"{_s(m['seconds'])} ({_x(m['ratio'])})", _s(m["floor_seconds"]),
                     _s(m["process_seconds"]), f"{m['peak_mb']:.0f} MB"])
    if "minutes" in figures:
        m = figures["minutes"]
        rows.append([f"Protokoll som PDF ({m['actions']} åtgärder, {m['years_of_indicators']} års indikatorer)",
                     _s(m["seconds"]), "–", _s(m["process_seconds"]), f"{m['peak_mb']:.0f} MB"])
    if "browser" in figures and "skipped" not in figures["browser"]:
        m = figures["browser"]
        for what, key in (("öppna sidan", "open"), ("spara ett område", "save")):
            rows.append([f"Egenkontroll i Chromium: {what} (median, {m['clinics']} kliniker)", _s(m[key]),
                         f"{_s(m['floor'])} (Mitt konto)", _s(m["cold_seconds"]) if key == "open" else "–",
                         f"{m['server_peak_mb']:.0f} MB"])
    if "cli" in figures:
        m = figures["cli"]
        rows.append(["`stralportal --help`", "–", "–", _s(m["seconds"]), f"{m['peak_mb']:.0f} MB"])
    return _markdown(head, rows)


def _markdown(head: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


if __name__ == "__main__":
    data = json.loads(open(sys.argv[1], encoding="utf-8").read())
    print(other_table(data), end="\n\n")
    if "pages" in data:
        print(pages_table(data["pages"]))
