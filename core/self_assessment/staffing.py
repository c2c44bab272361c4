"""Radiotherapy staffing as full-time equivalents (FTE) against Tabell 1 of the Finnish STUK directive ST 2.1.

Tabell 1 is a Finnish benchmark, not a Swedish requirement; the page and the minutes say so. Its Krav column
gives minimum ratios, compared here as FTE without rounding up: 1 000 patients at 1 physicist per 400 need
2,5 FTE, and 2,5 FTE meets that. Its Rekommendation column ("Dessutom 1–2 fysiker …", 3–4 per machine) is
shown apart and never counted as a shortfall. Per-machine rows count the treatment shifts: two röntgen-
sjuksköterskor per machine while it treats means two per machine and shift.
"""
from dataclasses import dataclass
from fractions import Fraction

SOURCE = ("STUK:s direktiv ST 2.1 (Strålsäkerhetscentralen, Finland), Tabell 1 ”Krav och rekommendationer "
          "för minimum av personal vid strålbehandling”")
STATUS = "Ett finskt riktmärke som bygger på internationella rekommendationer, inte ett svenskt krav."
GROUPS = {
    "oncologists": "Specialist i cancersjukdomar (behörig för strålbehandling)",
    "physicists": "Sjukhusfysiker",
    "dose_planners": "Dosplanerare",
    "mould_room": "Personal i matrisrummet (fixationer)",
    "therapists": "Röntgensjuksköterska",
    "engineers": "Serviceingenjör eller tekniker",
}

# A shortfall becomes a finding with a code per group (BEM-2026-FYSIKER), Swedish like every code on paper.
CODE_WORDS = {"oncologists": "ONKOLOGER", "physicists": "FYSIKER", "dose_planners": "DOSPLANERARE",
              "mould_room": "MATRISRUM", "therapists": "RÖNTGENSJUKSKÖTERSKOR", "engineers": "INGENJÖRER"}


@dataclass(frozen=True)
class StaffingInput:
    """What the clinic states about its radiotherapy."""

    patients_per_year: int
    machines: int
    simulations_per_year: int = 0
    shifts: int = 1  # treatment shifts a day: the per-machine rows apply to each
    special_techniques: bool = False      # IMRT, stereotactic treatment
    brachy_or_radionuclide: bool = False
    in_house_service: bool = False
    simulator: bool = False


@dataclass(frozen=True)
class GroupMinimum:
    """A professional group's required FTE (Krav), the rule, the recommendation, and the FTE the clinic has."""

    group: str
    required: Fraction
    rule: str
    recommendation: str = ""
    actual: float | None = None

    @property
    def shortfall(self) -> Fraction:
        """Return the FTE missing against the requirement (0 when enough or not stated)."""
        if self.actual is None:
            return Fraction(0)
        return max(Fraction(0), self.required - Fraction(str(self.actual)))  # str: 2.5 is exactly 5/2


def fte_text(value: Fraction | float | None) -> str:
    """An FTE figure with a decimal comma and at most two decimals (2,5; 1,43); empty when not stated."""
    if value is None:
        return ""
    return f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def minimum_staff(data: StaffingInput) -> dict[str, GroupMinimum]:
    """Compute each group's minimum FTE from Tabell 1's Krav column, with its Rekommendation beside it."""
    patients, machines, shifts = data.patients_per_year, data.machines, max(1, data.shifts)
    physicists = Fraction(patients, 400)
    extra = [name for used, name in ((data.special_techniques, "specialtekniker (IMRT, stereotaktisk)"),
                                     (data.brachy_or_radionuclide, "brachyterapi eller radionuklidbehandling")) if used]
    physicist_advice = (f"dessutom 1–2 fysiker vid {' och vid '.join(extra)}: {fte_text(physicists + len(extra))}–"
                        f"{fte_text(physicists + 2 * len(extra))}" if extra else "")
    return {
        "oncologists": GroupMinimum(GROUPS["oncologists"], Fraction(patients, 250), "1 per 250 patienter/år",
                                    "1 per 25–30 patienter/dag"),
        "physicists": GroupMinimum(GROUPS["physicists"], physicists, "1 per 400 patienter/år", physicist_advice),
        "dose_planners": GroupMinimum(GROUPS["dose_planners"], Fraction(patients, 700), "1 per 700 patienter/år"),
        "mould_room": GroupMinimum(GROUPS["mould_room"], Fraction(patients, 600), "1 per 600 patienter/år"),
        "therapists": GroupMinimum(
            GROUPS["therapists"], 2 * machines * shifts + Fraction(2 * data.simulations_per_year, 500),
            f"2 per behandlingsapparat och skift under behandlingen ({machines} × {shifts}), "
            "dessutom 2 per 500 simuleringar/år",
            f"3 per apparat och skift vid högst 25 behandlingar/dag ({3 * machines * shifts}), 4 vid högst 50 "
            f"({4 * machines * shifts}); brachyterapi räknas för sig"),
        "engineers": GroupMinimum(GROUPS["engineers"],
                                  Fraction(machines + int(data.simulator), 2) if data.in_house_service else Fraction(0),
                                  "1 per 2 behandlingsapparater (simulatorn räknas som apparat) vid egen service"),
    }


def compare(data: StaffingInput, actual: dict[str, float | None]) -> list[GroupMinimum]:
    """Return each group's minimum with the clinic's FTE and any shortfall."""
    return [GroupMinimum(m.group, m.required, m.rule, m.recommendation, actual.get(key))
            for key, m in minimum_staff(data).items()]
