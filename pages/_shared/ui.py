"""Small widgets the pages share: messages that survive a rerun, refusals, incidents, plain user text."""
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import charts
from core.errors import REFUSALS, InvalidInput
from core.glossary import LABELS
from core.incidents import incident_message, log_incident
from pages._shared.db import session

FLASH_KEY = "flash_message"
# Markdown that user text must never trigger: emphasis, code, links, images, HTML, maths, tables, directives.
MARKDOWN_ANYWHERE = re.compile(r"([\\`*_\[\]{}<>$~|!])")
MARKDOWN_LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")  # headings, quotes, lists, setext lines
AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp|www)([:.@])|(@)")  # GFM turns these into links
# GFM finds those addresses in the text after escapes are read (a browser showed "http\://" as a link), so an
# invisible word joiner goes inside each one: it breaks the address and the line alike never.
WORD_JOINER = "\u2060"
# Less empty space above the content (the portal is often on a projector); captions readable (WCAG 2.1 AA asks
# 4,5:1: Streamlit draws them in the text colour at 60 % opacity, 4,0:1 on white and 3,7:1 in the sidebar;
# #5f6b75 is 5,5:1 on white and 5,0:1 on the sidebar's grey); no table toolbar with English tooltips.
STYLE = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
@media (max-width: 1500px) { [data-testid="stMainBlockContainer"] h1 { font-size: 2.2rem; } }
[data-testid="stSidebarUserContent"] { padding-top: 1rem; }
[data-testid="stCaptionContainer"] { color: #5f6b75; opacity: 1; }
[data-testid="stElementToolbar"] { display: none; }
[data-testid="InputInstructions"] { display: none; }
</style>"""


# Streamlit's own words that no option translates: the multiselect's "Select all", the page-not-found dialog,
# file sizes, the file uploader's texts and the date fields' placeholders. Replaced in the browser as they appear
# (installed once per tab), in the text itself, so a screen reader reads the Swedish words too. The page's
# language is Swedish (Streamlit's index.html says lang="en" and has no setting for it).
SWEDISH = r"""<script>
(() => {
  if (window.__stralportalSwedish) return;
  window.__stralportalSwedish = true;
  const html = document.documentElement;
  const swedishPage = () => { if (html.lang !== "sv") html.lang = "sv"; };
  swedishPage();
  new MutationObserver(swedishPage).observe(html, {attributes: true, attributeFilter: ["lang"]});
  const units = {B: "byte", KB: "kB", MB: "MB", GB: "GB"};
  const words = [
    [/^Skip to main content$/, "Hoppa till innehållet"], [/^Select all$/, "Välj alla"],
    [/^Clear all$/, "Rensa alla"], [/^No results$/, "Inga träffar"], [/^No options to select\.?$/, "Inget att välja"],
    [/^Page not found$/, "Sidan finns inte"],
    [/^(You have requested page|The page that you have requested) .*$/,
     "Sidan finns inte i portalen. Startsidan visas i stället."],
    [/^(\d+(?:\.\d+)?)\s?(B|KB|MB|GB)$/, (_, n, u) => `${n.replace(".", ",")}\u00a0${units[u]}`],
    [/^File must be (\d+(?:\.\d+)?)\s?(B|KB|MB|GB) or smaller\.$/,
     (_, n, u) => `Filen är för stor: högst ${n.replace(/\.0$/, "").replace(".", ",")}\u00a0${units[u]}.`],
  ];
  // Words only where Streamlit puts them: too common to replace anywhere else.
  const placed = [
    ['[data-testid="stFileUploaderDropzone"] button', [[/^Upload$/, "Välj fil"]]],
    ['[data-testid="stFileUploaderDropzone"]', [  // "200MB per file" and " • XLSX" are two texts
      [/^(\d+)\s?MB per file$/, "eller dra hit filen · högst $1\u00a0MB"],
      [/^Drag and drop (a file|files) here$/, "Släpp filen här"]]],
    ['[data-testid="stDateInputField"] [data-placeholder="true"]',
     [[/^yyyy$/, "ÅÅÅÅ"], [/^mm$/, "MM"], [/^dd$/, "DD"]]],
    // Under a download button whose file could not be made; the page says why (pages/_shared/downloads.py).
    ['[data-testid="stDownloadButtonError"]', [[/^Failed to generate file for download$/, "Filen kunde inte skapas."]]],
  ];
  // What screen readers say: Streamlit's and its widgets' English labels, tooltips and placeholders.
  const labels = [
    [/^Choose date(,.*)?$/, (_, rest) => `Välj datum${rest || ""}`], [/^Previous month$/, "Föregående månad"],
    [/^Next month$/, "Nästa månad"], [/^(day|month|year), (.*)$/, (_, part, name) =>
      `${{day: "dag", month: "månad", year: "år"}[part]}, ${name}`],
    [/^Clear all$/, "Rensa alla"], [/^Clear value$/, "Rensa"], [/^Remove (.+)$/, "Ta bort $1"],
    [/^Selected values$/, "Valda värden"], [/^Choose an option$/, "Välj ett alternativ"],
    [/^Choose options$/, "Välj"], [/^Open$/, "Öppna"], [/^Close$/, "Stäng"],
    [/^Increment$/, "Öka"], [/^Decrement$/, "Minska"], [/^Help for (.+)$/, "Hjälp om $1"],
    [/^Show password$/, "Visa lösenord"], [/^Hide password$/, "Dölj lösenord"],
    [/^Collapse sidebar$/, "Fäll ihop sidofältet"], [/^Expand sidebar$/, "Visa sidofältet"],
    [/^Sidebar$/, "Sidofält"], [/^Link to heading$/, "Länk till rubriken"],
    [/^Download as CSV$/, "Ladda ner som CSV"], [/^Fullscreen$/, "Helskärm"], [/^Close fullscreen$/, "Stäng helskärm"],
    [/^Search$/, "Sök"], [/^Show\/hide columns$/, "Visa/dölj kolumner"], [/^file upload$/, "filuppladdning"],
    [/^Show data(.*)$/, "Visa data$1"], [/^Download as (PNG|SVG)(.*)$/, "Ladda ner som $1$2"],
    [/^Copy Vega-Lite spec(.*)$/, "Kopiera diagrammets specifikation$1"], [/^Copied!$/, "Kopierat!"],
    [/^visualization$/, "diagram"], [/^Vega visualization$/, "Diagram"], [/^progress$/, "Förlopp"],
    [/^Empty$/, "Tomt"], [/^Add row$/, "Lägg till rad"], [/^Delete$/, "Ta bort"],
    [/^Clear selection$/, "Rensa markeringen"], [/^[a-z0-9_]+ icon$/, "ikon"],  // an icon without a label
    [/^Use arrow keys to navigate dates\..*$/, "Välj datum med piltangenterna, Enter väljer, Escape stänger."],
  ];
  const CHART_DRAWING = '[data-testid="stVegaLiteChart"] > svg';
  const ATTRIBUTES = ["aria-label", "title", "placeholder", "aria-roledescription", "aria-valuetext"];
  const translate = (text, list) => {
    const hit = text && list.find(([pattern]) => pattern.test(text));
    return hit ? text.replace(hit[0], hit[1]) : null;
  };
  const fixAttributes = (el) => {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name);
      const swedish = value && translate(value.trim(), labels);
      if (swedish && swedish !== value) el.setAttribute(name, swedish);
    }
  };
  const fix = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue.trim();
      const where = placed.find(([selector]) => node.parentElement?.closest(selector));
      const swedish = translate(text, words) || translate(text, labels.slice(-1))
        || (where && translate(text, where[1]));
      if (swedish && swedish !== text) node.nodeValue = swedish;
    }
    if (root.nodeType !== 1) return;
    // A chart is read by its Swedish description (charts.for_screen); Vega's English names of its parts are not.
    for (const drawing of [root, ...root.querySelectorAll(CHART_DRAWING)]) {
      if (drawing.matches(CHART_DRAWING)) drawing.setAttribute("aria-hidden", "true");
    }
    fixAttributes(root);
    for (const el of root.querySelectorAll(ATTRIBUTES.map((name) => `[${name}]`).join(","))) fixAttributes(el);
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) fix(node.nodeType === 1 ? node : node.parentNode || document.body);
      if (change.type === "characterData" && change.target.parentNode) fix(change.target.parentNode);
      if (change.type === "attributes") fixAttributes(change.target);  // React may put an English label back
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true,
                             attributeFilter: ATTRIBUTES});
  fix(document.body);
})();
</script>"""


def apply_style() -> None:
    """Add the portal's few style adjustments, and Swedish for Streamlit's own words, to the page."""
    st.html(STYLE)
    st.html(SWEDISH, unsafe_allow_javascript=True)


def show_chart(chart, where: Any = st, *, title: str | None = None, fields: dict[str, str] | None = None) -> None:
    """Show an Altair chart the full width, described in Swedish for screen readers (charts.for_screen)."""
    where.altair_chart(charts.for_screen(chart, title, fields), width="stretch")


def flash(message: str) -> None:
    """Remember a confirmation to show after the rerun that refreshes the page."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    """Show (once) a confirmation remembered by flash()."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(plain(message), icon=":material/check_circle:")


def form_round(form: str) -> int:
    """Return the form's round; widget keys include it, so a new round shows an empty form."""
    return st.session_state.setdefault(f"round_{form}", 0)


def save(action: Callable[[Session], Any], confirmation: str | Callable[[Any], str], *,
         empty_form: str | None = None) -> None:
    """Run one user action in its own transaction: confirm and refresh on success, explain a refusal.

    The rerun comes after the transaction has committed; inside it, the rerun would roll it back.
    """
    try:
        with session() as s:
            result = action(s)
            message = confirmation(result) if callable(confirmation) else confirmation
    except InvalidInput as exc:
        st.error("Inget sparades. Rätta följande:\n\n"
                 + "\n".join(f"- {plain(p, one_line=True)}" for p in exc.problems))
        return
    except REFUSALS as exc:
        st.error(f"Inget sparades. {plain(exc)}")
        return
    except Exception as exc:  # noqa: BLE001  rolled back; the form keeps what the user typed
        show_incident(exc)
        return
    flash(message)
    if empty_form:
        st.session_state[f"round_{empty_form}"] = form_round(empty_form) + 1
    st.rerun()


def edit_version(kind: str, row_id: int, current: int) -> int:
    """Return the version a user started editing from, so a later save by someone else is detected."""
    return st.session_state.setdefault(f"edit_version_{kind}_{row_id}", current)


def edit_snapshot(kind: str, row_id: int, version: int, shown: Any) -> tuple[int, Any]:
    """Return the version and values (or row) a form first showed, kept with what the user typed until forget_edit()."""
    return st.session_state.setdefault(f"edit_snapshot_{kind}_{row_id}", (version, shown))


def forget_edit(kind: str, row_id: int) -> None:
    """Forget the version being edited (after a save, or to reload someone else's change)."""
    st.session_state.pop(f"edit_version_{kind}_{row_id}", None)
    st.session_state.pop(f"edit_snapshot_{kind}_{row_id}", None)


def offer_reload(kind: str, *rows: tuple[int, int, int], key: str | None = None) -> None:
    """Offer the latest saved values when someone saved since the form was opened.

    Each row is (row id, version the form was opened with, version now); the button forgets the form's rows
    (what the user typed with them) and reruns, so the form opens again from what is saved.
    """
    if any(opened != current for _, opened, current in rows) and st.button(
            "Ladda om de senaste uppgifterna", key=key or f"reload_{kind}_{rows[0][0]}"):
        for row_id, _, _ in rows:
            forget_edit(kind, row_id)
        st.rerun()


def yes_no(value: bool) -> str:
    """Return Ja or Nej."""
    return LABELS["yes"] if value else LABELS["no"]


def plain(text: Any, *, one_line: bool = False) -> str:
    """Escape user text for Markdown so it shows literally: no links, images, maths or formatting; lines kept."""
    lines = [line.strip() for line in str("" if text is None else text).replace("\r\n", "\n").split("\n")]
    escaped = [_escape_line(line) for line in lines if line or not one_line]
    return (" " if one_line else "  \n").join(escaped)


def text_table(rows: pd.DataFrame | list[dict], where: Any = st, *,
               styles: dict[str, Callable[[Any], str]] | None = None) -> None:
    """Show a table as it prints: every row, wrapping text, no index, no cell or header read as Markdown.

    st.table reads every cell and header as Markdown (an image fetched from anywhere, a link, maths), so each is
    escaped here; styles (column -> CSS of a cell) are worked out from the values as stored, not as escaped.
    """
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    shown = frame.map(_plain_cell)
    shown.columns = [plain(column, one_line=True) for column in frame.columns]
    if not styles:
        where.table(shown, hide_index=True)
        return
    css = pd.DataFrame({n: frame.iloc[:, n].map(styles.get(c, lambda _: "")) for n, c in enumerate(frame.columns)})
    where.table(shown.style.apply(lambda _: css.to_numpy(), axis=None).hide(axis="index"), hide_index=True)


def _plain_cell(value: Any) -> Any:
    """Escape a text cell; numbers stay numbers (aligned as such), a missing value shows empty."""
    if isinstance(value, str):
        return plain(value)
    return "" if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def _escape_line(line: str) -> str:
    """Escape one line's Markdown characters, its block markers and what GFM would turn into a link."""
    line = MARKDOWN_ANYWHERE.sub(r"\\\1", line.replace("\r", " "))
    line = AUTOLINK.sub(lambda m: f"{m[1]}{WORD_JOINER}\\{m[2]}" if m[1] else f"{WORD_JOINER}\\@", line)
    return MARKDOWN_LINE_START.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], line)


def show_incident(exc: Exception) -> None:
    """Log an unexpected error with its traceback and show the Swedish message with its incident number."""
    st.error(incident_message(log_incident(exc, where=page_name())), icon=":material/error:")


def page_name() -> str:
    """Return the address the user had open, for the log."""
    try:
        return st.context.url or ""
    except Exception:  # noqa: BLE001  logging must not fail
        return ""


def show_error(exc: Exception) -> None:
    """Show an error that escaped a page: a refusal as it is, anything else as an incident."""
    if isinstance(exc, REFUSALS):
        st.error(plain(exc))
    else:
        show_incident(exc)


def run_page(page) -> None:
    """Run the chosen page: show a refusal that escaped it, or an incident number for anything unexpected."""
    try:
        page.run()
    except Exception as exc:  # noqa: BLE001  never a traceback in the browser; the log has it
        show_error(exc)


def catch_unexpected_errors() -> None:
    """Show errors as run_page does also when Streamlit runs a page without app.py (a pages/ folder's old mode)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.on_script_error = _on_script_error


def _on_script_error(exc: Exception) -> bool:
    """Streamlit's hook for an error nobody caught: show it in Swedish; True means no traceback on the page."""
    show_error(exc)
    return True
