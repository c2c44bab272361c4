"""Minimum staffing of radiotherapy from Tabell 1 (STUK ST 2.1, seed 002), compared with the staff entered."""
import math
from dataclasses import dataclass

SOURCE = ("Tabell 1 \"Krav och rekommendationer för minimum av personal vid strålbehandling\" i den finska "
          "Strålsäkerhetscentralens (STUK) direktiv ST 2.1, som bygger på internationella rekommendationer")
GROUPS = {
    "oncologists": "Specialist i cancersjukdomar (behörig för strålbehandling)",
    "physicists": "Sjukhusfysiker",
    "dose_planners": "Dosplanerare",
    "mould_room": "Personal i matrisrummet (fixationer)",
    "therapists": "Röntgenskötare",
    "engineers": "Serviceingenjör eller tekniker",
}


@dataclass(frozen=True)
class StaffingInput:
    """What the clinic states about its radiotherapy."""

    patients_per_year: int
    machines: int
    simulations_per_year: int = 0
    special_techniques: bool = False      # IMRT, stereotactic treatment
    brachy_or_radionuclide: bool = False
    in_house_service: bool = False
    simulator: bool = False


@dataclass(frozen=True)
class GroupMinimum:
    """A professional group's required minimum, the rule it comes from, and the staff the clinic has."""

    group: str
    required: int
    rule: str
    actual: float | None = None

    @property
    def shortfall(self) -> float:
        """Return how many are missing against the requirement (0 when enough or not stated)."""
        return max(0.0, self.required - self.actual) if self.actual is not None else 0.0


def _per(count: int, per: int) -> int:
    """Return the whole number of people needed at one per `per` (at least one when there is any work)."""
    return math.ceil(count / per) if count > 0 else 0


def minimum_staff(data: StaffingInput) -> dict[str, GroupMinimum]:
    """Compute each group's minimum from Tabell 1's requirements (Krav column)."""
    extra = int(data.special_techniques) + int(data.brachy_or_radionuclide)  # at least 1 each (Rekommendation: 1–2)
    therapists = 2 * data.machines + 2 * _per(data.simulations_per_year, 500)
    engineers = (_per(data.machines + int(data.simulator), 2) if data.in_house_service else 0)
    return {
        "oncologists": GroupMinimum(GROUPS["oncologists"], _per(data.patients_per_year, 250), "1 per 250 patienter/år"),
        "physicists": GroupMinimum(GROUPS["physicists"], _per(data.patients_per_year, 400) + extra,
                                   "1 per 400 patienter/år, dessutom 1 vid specialtekniker och 1 vid brachyterapi "
                                   "eller radionuklidbehandling"),
        "dose_planners": GroupMinimum(GROUPS["dose_planners"], _per(data.patients_per_year, 700),
                                      "1 per 700 patienter/år"),
        "mould_room": GroupMinimum(GROUPS["mould_room"], _per(data.patients_per_year, 600), "1 per 600 patienter/år"),
        "therapists": GroupMinimum(GROUPS["therapists"], therapists,
                                   "2 per behandlingsapparat under behandling, dessutom 2 per 500 simuleringar/år"),
        "engineers": GroupMinimum(GROUPS["engineers"], engineers,
                                  "1 per 2 behandlingsapparater (simulator räknas som apparat) vid egen service"),
    }


def compare(data: StaffingInput, actual: dict[str, float | None]) -> list[GroupMinimum]:
    """Return each group's minimum with the clinic's staff and any shortfall."""
    return [GroupMinimum(m.group, m.required, m.rule, actual.get(key)) for key, m in minimum_staff(data).items()]
