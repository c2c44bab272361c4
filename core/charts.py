"""Altair charts in Swedish (axes, legends, decimal comma), for the pages and the printed minutes."""
import math
import textwrap

import altair as alt
import pandas as pd

from core.formatting import number_text, percent_text

# Vega formats numbers the English way; these expressions give "1 250,5".
SWEDISH_NUMBER = "replace(replace(format(datum.value, ',~r'), /,/g, ' '), /[.]/, ',')"
MET_COLOURS = alt.Scale(domain=["Uppfyllt", "Ej uppfyllt", "Inget mål"], range=["#2e7d4f", "#b3261e", "#7a8a99"])


def _value_axis(title: str, values) -> alt.Axis:
    """An axis with Swedish number labels; whole steps when every value is a whole number (counts)."""
    whole = all(float(v).is_integer() for v in values if v is not None)
    return alt.Axis(title=title, labelExpr=SWEDISH_NUMBER, grid=True, tickMinStep=1 if whole else alt.Undefined)


def indicator_trend_chart(rows: list[dict], title: str, unit: str | None) -> alt.TopLevelMixin:
    """Line chart of an indicator per covered year (a line per clinic), the target as a dashed line."""
    frame = pd.DataFrame({"År": [str(r["year"]) for r in rows], "Värde": [r["value"] for r in rows],
                          "Målvärde": [r["target"] for r in rows], "Klinik": [r["clinic"] for r in rows],
                          "Värdetext": [number_text(r["value"]) for r in rows],
                          "Måltext": [number_text(r["target"]) for r in rows]})
    axis_title = f"Värde ({unit})" if unit else "Värde"
    several = frame["Klinik"].nunique() > 1
    colour = alt.Color("Klinik:N", legend=alt.Legend(title="Klinik")) if several else alt.value("#1f5f8b")
    base = alt.Chart(frame).encode(x=alt.X("År:O", title="År (bokslut)", axis=alt.Axis(labelAngle=0)))
    line = base.mark_line(point=alt.OverlayMarkDef(size=90), strokeWidth=3).encode(
        y=alt.Y("Värde:Q", axis=_value_axis(axis_title, frame["Värde"]), scale=alt.Scale(zero=True)), color=colour,
        detail="Klinik:N", tooltip=["Klinik:N", "År:O", alt.Tooltip("Värdetext:N", title="Värde"),
                                    alt.Tooltip("Måltext:N", title="Målvärde")])
    layers = [line]
    if not several:
        layers.append(base.mark_line(strokeDash=[6, 4], color="#555555").encode(y="Målvärde:Q"))
        layers.append(base.mark_text(dy=-14, fontSize=13).encode(y="Värde:Q", text="Värdetext:N"))
    return alt.layer(*layers).properties(title=title, height=300)


def training_trend_chart(rows: list[dict], title: str) -> alt.TopLevelMixin:
    """Share of each staff group with completed radiation-protection training, per bokslut year (0–100 %)."""
    frame = pd.DataFrame({"År": [str(r["year"]) for r in rows], "Andel": [r["share"] for r in rows],
                          "Personalgrupp": [r["group"] for r in rows],
                          "Andelstext": [percent_text(r["share"]) for r in rows]})
    return alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=90), strokeWidth=3).encode(
        x=alt.X("År:O", title="År (bokslut)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Andel:Q", title="Andel utbildade (%)", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(labelExpr=SWEDISH_NUMBER, values=[0, 20, 40, 60, 80, 100])),
        color=alt.Color("Personalgrupp:N", legend=alt.Legend(title="Personalgrupp")),
        tooltip=["Personalgrupp:N", "År:O", alt.Tooltip("Andelstext:N", title="Andel")],
    ).properties(title=title, height=300)


def indicator_comparison_chart(rows: list[dict], title: str, unit: str | None) -> alt.TopLevelMixin:
    """Bar chart comparing every clinic on one indicator; the bar says in words whether the target is met."""
    frame = pd.DataFrame({
        "Klinik": [r["clinic"] for r in rows], "Värde": [r["value"] for r in rows],
        "Målvärde": [r["target"] for r in rows], "Värdetext": [number_text(r["value"]) for r in rows],
        "Måltext": [number_text(r["target"]) for r in rows],
        "Status": ["Inget mål" if r["met"] is None else ("Uppfyllt" if r["met"] else "Ej uppfyllt") for r in rows]})
    axis_title = f"Värde ({unit})" if unit else "Värde"
    base = alt.Chart(frame).encode(x=alt.X("Klinik:N", title="Klinik", sort=None, axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(size=36).encode(
        y=alt.Y("Värde:Q", axis=_value_axis(axis_title, frame["Värde"])),
        color=alt.Color("Status:N", scale=MET_COLOURS, legend=alt.Legend(title="Mot målvärdet")),
        tooltip=["Klinik:N", alt.Tooltip("Värdetext:N", title="Värde"), alt.Tooltip("Måltext:N", title="Målvärde"),
                 "Status:N"])
    labels = base.mark_text(dy=-8, fontSize=13).encode(y="Värde:Q", text="Status:N")
    target = base.mark_tick(color="#222222", thickness=2, size=44).encode(y="Målvärde:Q")
    return (bars + target + labels).properties(title=title, height=320)


def _nice_step(rough: float) -> int:
    """Return a whole tick step of 1, 2 or 5 times a power of ten, at least `rough`."""
    power = 10 ** max(0, math.floor(math.log10(rough))) if rough >= 1 else 1
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def _small_multiple(frame: pd.DataFrame, name: str, zero: bool) -> alt.LayerChart | alt.FacetChart:
    """One key indicator over the years, for print: its whole name (with unit) as the title, in black."""
    whole = all(float(v).is_integer() for v in frame["Värde"])
    # Counts start at zero in whole steps (ticks given, as Vega would put 0,5 on a small range); rates and
    # doses start at zero too (a dose of 2,7 drawn from 2,7 looks like nothing); minutes of format < 4 zoomed in.
    top = int(frame["Värde"].max()) if whole else 0
    step = _nice_step(top / 4)
    ticks = list(range(0, top + step + 1, step))
    axis = alt.Axis(labelExpr=SWEDISH_NUMBER, tickCount=4, values=ticks if whole else alt.Undefined)
    base = alt.Chart(frame).encode(x=alt.X("År:O", title=None, axis=alt.Axis(labelAngle=0)))
    line = base.mark_line(point=alt.OverlayMarkDef(size=40, color="black"), color="black").encode(
        y=alt.Y("Värde:Q", title=None, axis=axis,
                scale=alt.Scale(domain=[0, ticks[-1]]) if whole else alt.Scale(zero=zero, nice=True)))
    labels = base.mark_text(dy=-9, fontSize=10).encode(y="Värde:Q", text="Värdetext:N")
    title = alt.TitleParams(textwrap.wrap(name, 30), fontSize=11, anchor="start")
    return alt.layer(line, labels).properties(width=150, height=90, title=title)


def key_indicators_chart(rows: list[dict], zero: bool = True) -> alt.ConcatChart:
    """Small multiples of a clinic's key indicators over the years, three to a row, only those with data.

    The axes start at zero; `zero=False` draws them as minutes frozen before format 4 printed them.
    """
    frame = pd.DataFrame({"Indikator": [r["name"] for r in rows], "År": [str(r["year"]) for r in rows],
                          "Värde": [r["value"] for r in rows],
                          "Värdetext": [number_text(r["value"]) for r in rows]})
    names = list(dict.fromkeys(frame["Indikator"]))
    return alt.concat(*[_small_multiple(frame[frame["Indikator"] == n], n, zero) for n in names], columns=3)


def png(chart, scale: float = 2.0) -> bytes:
    """Render a chart to PNG (for the PDF) with vl-convert, offline."""
    import io
    buffer = io.BytesIO()
    chart.save(buffer, format="png", scale_factor=scale)
    return buffer.getvalue()


# Chart text on screen dark enough to read on white (6,9:1; WCAG 2.1 AA asks 4,5:1); Streamlit's grey gives 3,7:1.
SCREEN_TEXT = "#4f5b66"
DESCRIBED_POINTS = 60  # a description reads every point up to this many, then says how many more there are


def for_screen(chart, title: str | None = None, fields: dict[str, str] | None = None):
    """The chart as a page shows it: one Swedish description for screen readers, readable axis and legend text.

    Vega describes every axis, legend and mark in English ("X-axis titled …", "bar", "Målvärde: null"); that is
    switched off (config aria=False) and the chart instead says, in Swedish, its title and each point by the fields
    of its tooltip (or the `fields` given: label → column). The printed charts are not changed.
    """
    spec = chart.to_dict()
    fields = fields or _tooltip_fields(spec)
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    text = describe(title or _title(spec), rows, fields)
    return (chart.properties(description=text).configure(aria=False).configure_mark(aria=False)
            .configure_axis(labelColor=SCREEN_TEXT, titleColor=SCREEN_TEXT)
            .configure_legend(labelColor=SCREEN_TEXT, titleColor=SCREEN_TEXT))


def describe(title: str, rows: list[dict], fields: dict[str, str]) -> str:
    """A chart's text alternative: "Diagram: title. Label: value, …; …", numbers Swedish, missing values left out."""
    points = [", ".join(f"{label}: {_value_text(row.get(column))}" for label, column in fields.items()
                        if _value_text(row.get(column)))
              for row in rows]
    points = [p for p in dict.fromkeys(points) if p]
    if not points:
        return f"Diagram: {title}. Inga värden att visa."
    more = len(points) - DESCRIBED_POINTS
    tail = f"; och {more} punkter till" if more > 0 else ""
    return f"Diagram: {title}. " + "; ".join(points[:DESCRIBED_POINTS]) + tail + "."


def _value_text(value) -> str:
    """A value as the description reads it: numbers with a decimal comma, nothing for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(value)
    return str(value).strip()


def _tooltip_fields(spec: dict) -> dict[str, str]:
    """The fields a chart's tooltips show, as label → column, from the spec and its layers or views."""
    found: dict[str, str] = {}
    for part in [spec, *spec.get("layer", []), *spec.get("concat", []), *spec.get("hconcat", []),
                 *spec.get("vconcat", [])]:
        tooltips = (part.get("encoding") or {}).get("tooltip") or []
        for tip in tooltips if isinstance(tooltips, list) else [tooltips]:
            if isinstance(tip, dict) and "field" in tip:
                found.setdefault(tip.get("title") or tip["field"], tip["field"])
        if part is not spec:
            for label, column in _tooltip_fields(part).items():
                found.setdefault(label, column)
    return found


def _title(spec: dict) -> str:
    """The chart's title as one line (a dict, or lines), from the spec or its first layer or view that has one."""
    title = spec.get("title") or ""
    text = title.get("text", "") if isinstance(title, dict) else title
    if not text:
        parts = [*spec.get("layer", []), *spec.get("concat", []), *spec.get("hconcat", []), *spec.get("vconcat", [])]
        return next((t for t in map(_title, parts) if t), "")
    return " ".join(text) if isinstance(text, list) else str(text)
