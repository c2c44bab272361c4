"""Radiotherapy staffing against Tabell 1, by hand-worked examples."""
from core.self_assessment.staffing import StaffingInput, compare, minimum_staff


def test_a_medium_clinic_by_hand():
    # 1 500 patients/year, 4 linear accelerators, 1 200 simulations, IMRT/stereotaxy, no brachytherapy:
    # oncologists 1500/250 = 6; physicists 1500/400 = 3.75 → 4, + 1 for special techniques = 5;
    # dose planners 1500/700 = 2.14 → 3; mould room 1500/600 = 2.5 → 3;
    # therapists 2 × 4 machines = 8, + 2 × ceil(1200/500) = 2 × 3 = 6 → 14; engineers: no own service → 0.
    minimum = minimum_staff(StaffingInput(patients_per_year=1500, machines=4, simulations_per_year=1200,
                                          special_techniques=True))
    assert {k: m.required for k, m in minimum.items()} == {
        "oncologists": 6, "physicists": 5, "dose_planners": 3, "mould_room": 3, "therapists": 14, "engineers": 0}


def test_a_small_clinic_with_brachytherapy_and_own_service():
    # 400 patients, 2 machines + simulator serviced in house, brachytherapy, 300 simulations:
    # oncologists ceil(400/250) = 2; physicists ceil(400/400) = 1 + 1 (brachy) = 2; planners 1; mould room 1;
    # therapists 2 × 2 + 2 × ceil(300/500) = 4 + 2 = 6; engineers ceil((2 + 1) / 2) = 2.
    minimum = minimum_staff(StaffingInput(patients_per_year=400, machines=2, simulations_per_year=300,
                                          brachy_or_radionuclide=True, in_house_service=True, simulator=True))
    assert [m.required for m in minimum.values()] == [2, 2, 1, 1, 6, 2]


def test_shortfall_is_the_gap_against_the_requirement():
    rows = compare(StaffingInput(patients_per_year=1000, machines=3),
                   {"oncologists": 3.5, "physicists": 3, "therapists": 6})
    by_group = {r.group.split()[0]: r for r in rows}
    assert by_group["Specialist"].required == 4 and by_group["Specialist"].shortfall == 0.5
    assert by_group["Sjukhusfysiker"].required == 3 and by_group["Sjukhusfysiker"].shortfall == 0
    assert by_group["Dosplanerare"].shortfall == 0  # not stated: no shortfall claimed
