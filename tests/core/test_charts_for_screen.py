"""Charts on screen: one Swedish description for screen readers, no English ARIA of Vega, readable text."""
from core import charts

TREND = [{"year": 2024, "value": 2.7, "target": None, "clinic": "RTG"},
         {"year": 2025, "value": 1250.5, "target": 2.5, "clinic": "RTG"}]


def test_a_chart_is_described_in_swedish_by_its_tooltip_fields():
    spec = charts.for_screen(charts.indicator_trend_chart(TREND, "Högsta dos – RTG", "mSv")).to_dict()
    assert spec["description"] == ("Diagram: Högsta dos – RTG. Klinik: RTG, År: 2024, Värde: 2,7; "
                                   "Klinik: RTG, År: 2025, Värde: 1\u00a0250,5, Målvärde: 2,5.")
    assert "null" not in spec["description"] and "None" not in spec["description"]  # a missing target is left out
    config = spec["config"]
    assert config["aria"] is False and config["mark"]["aria"] is False  # Vega's English names of every part
    assert config["axis"]["labelColor"] == charts.SCREEN_TEXT


def test_a_layered_chart_takes_its_title_from_a_layer_and_fields_can_be_given():
    rows = [{"name": "Högsta dos", "year": 2025, "value": 3}]
    chart = charts.key_indicators_chart(rows)
    shown = charts.for_screen(chart, "Nyckelindikatorer", {"Indikator": "Indikator", "Värde": "Värdetext"})
    assert shown.to_dict()["description"] == "Diagram: Nyckelindikatorer. Indikator: Högsta dos, Värde: 3."
    assert "description" not in chart.to_dict()  # the printed chart is not changed
    layered = charts.indicator_comparison_chart([{"clinic": "RTG", "value": 1.0, "target": 2.0, "met": True}],
                                                "Jämförelse", None)
    assert charts.for_screen(layered).to_dict()["description"].startswith("Diagram: Jämförelse. Klinik: RTG")


def test_a_chart_without_values_says_so_and_a_long_one_counts_the_rest():
    assert charts.describe("Tomt", [], {"Värde": "v"}) == "Diagram: Tomt. Inga värden att visa."
    many = [{"v": n} for n in range(charts.DESCRIBED_POINTS + 5)]
    assert charts.describe("Många", many, {"Värde": "v"}).endswith("; och 5 punkter till.")
