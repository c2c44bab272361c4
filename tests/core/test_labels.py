"""One concept, one English name, one Swedish label: a domain term is written once, in core/glossary.py.

The glossary holds the domain's terms (models, values, fields, pages, roles) and the few labels several places
share. A one-off text (a button's "Skapa genomgången") lives beside its button; but a page that spells a domain
term itself ("Ansvarig" instead of FIELDS["owner_name"]) has made a copy that can drift, and fails here.
"""
import ast
import re

from core import glossary
from tests.conftest import PROJECT_DIR

# Calls whose first positional argument (or label=) is the label the user reads.
LABELLED = {"button", "form_submit_button", "download_button", "text_input", "text_area", "selectbox", "multiselect",
            "segmented_control", "radio", "checkbox", "toggle", "date_input", "number_input", "file_uploader",
            "expander", "page_link", "pills", "metric", "title", "header", "subheader", "sticky_select"}
LETTER = re.compile(r"[^\W\d_]")
BOLD_HEADING = re.compile(r"^\*\*(.*?)\*\*")


# Words LABELS shares with FIELDS, MODELS or PAGES on purpose: the same Swedish word for a different concept.
HOMONYMS = {
    "Datum",  # LABELS["date"], any event's date; FIELDS["meeting_date"] is the review's meeting day
    "Bedömning",  # LABELS["goal_assessment"], a goal's verdict; MODELS["Answer"] is a self-assessment answer
    "Sammanfattning",  # LABELS["audit_summary"], a clinical audit's; MODELS["ReportSummary"] is the bokslut's
}


def _literal_text(node: ast.AST) -> str | None:
    """The literal text of a string, an f-string (placeholders as {}), a + of them or either branch of an if."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [_literal_text(node.left), _literal_text(node.right)]
        return "".join(p for p in parts if p) if any(p is not None for p in parts) else None
    if isinstance(node, ast.IfExp):
        parts = [_literal_text(node.body), _literal_text(node.orelse)]
        return " | ".join(p for p in parts if p) if any(p is not None for p in parts) else None
    return None


def _label_argument(call: ast.Call) -> ast.AST | None:
    """The label a call is given: label= or its first positional argument."""
    for keyword in call.keywords:
        if keyword.arg == "label":
            return keyword.value
    return call.args[0] if call.args else None


def _offences(tree: ast.AST):
    """Yield (line, text) for each label literal in a page's code."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            label = _label_argument(node)
            if name in LABELLED and label is not None:
                text = _literal_text(label)
                if text and LETTER.search(text):
                    yield label.lineno, text
            elif name == "tabs" and isinstance(label, (ast.List, ast.Tuple)):  # each tab's name
                for element in label.elts:
                    text = _literal_text(element)
                    if text and LETTER.search(text):
                        yield element.lineno, text
            elif name == "markdown" and label is not None:
                heading = BOLD_HEADING.match(_literal_text(label) or "")
                if heading and LETTER.search(heading[1]):
                    yield label.lineno, heading[1]
            elif name == "DataFrame" and node.args and isinstance(node.args[0], (ast.List, ast.ListComp)):
                rows = node.args[0].elts if isinstance(node.args[0], ast.List) else [node.args[0].elt]
                for row in rows:
                    if isinstance(row, ast.Dict):
                        for key in row.keys:
                            text = _literal_text(key) if key is not None else None
                            if text and LETTER.search(text):
                                yield key.lineno, text


def _terms() -> set[str]:
    """Every Swedish term and shared label the glossary holds."""
    values = {term for terms in glossary.VALUES.values() for term in terms.values()}
    return {*glossary.FIELDS.values(), *glossary.MODELS.values(), *glossary.PAGES.values(), *glossary.LABELS.values(),
            *values, glossary.OVERDUE}


def _label_copies(tree: ast.AST, terms: set[str]):
    """Yield (line, text) of each literal label that spells a glossary term (perhaps with " *" for required)."""
    for line, text in _offences(tree):
        if text.removesuffix(" *") in terms - HOMONYMS:
            yield line, text


def test_pages_spell_no_domain_term_of_their_own():
    terms, found = _terms(), []
    for path in sorted((PROJECT_DIR / "pages").rglob("*.py")):
        name = path.relative_to(PROJECT_DIR).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=name)
        found += [f"{name}:{line}: {text!r}" for line, text in _label_copies(tree, terms)]
    assert found == [], "Terms that core/glossary.py already has (use FIELDS, MODELS, PAGES, …):\n" + "\n".join(found)


def _label_uses() -> dict[str, int]:
    """How many times pages, core and app.py name each LABELS key."""
    files = [*(PROJECT_DIR / "pages").rglob("*.py"), *(PROJECT_DIR / "core").rglob("*.py"), PROJECT_DIR / "app.py"]
    code = "\n".join(p.read_text(encoding="utf-8") for p in files if p.name != "glossary.py")
    return {key: len(re.findall(r"\b(?:LABELS|L)\[(['\"])" + re.escape(key) + r"\1\]", code))
            for key in glossary.LABELS}


def test_the_glossary_keeps_only_labels_that_several_places_share():
    assert {key: n for key, n in _label_uses().items() if n < 2} == {}


def test_core_has_no_label_table_but_the_glossary():
    tables = []
    for path in sorted((PROJECT_DIR / "core").rglob("*.py")):
        if path.name == "glossary.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign) else [])
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if any("LABEL" in n for n in names):
                tables.append(f"{path.relative_to(PROJECT_DIR)}: {names[0]}")
    assert tables == []


def test_the_copy_check_finds_a_copied_term():
    code = '''
st.button("Skapa genomgången")
st.text_input("Ansvarig *")
pd.DataFrame([{"Klart senast": d, L["k"]: v}])
st.markdown("**Mål**")
'''
    assert [text for _, text in _label_copies(ast.parse(code), _terms())] == ["Ansvarig *", "Klart senast", "Mål"]


def test_the_check_finds_what_it_looks_for():
    code = '''
st.button("Spara")
left.text_input(f"Brist {i}")
st.tabs(["Mål", L["x"]])
st.markdown("**Dagordning**")
st.page_link("p.py", label="Till " + page)
pd.DataFrame([{"Namn": n, L["k"]: v, f"{year}": 1} for n in rows])
st.button(L["save"]); st.text_input(f"{FIELDS['name']} *"); st.markdown(f"**{plain(code)}** text")
'''
    assert [text for _, text in _offences(ast.parse(code))] == \
        ["Spara", "Brist {}", "Mål", "Dagordning", "Till ", "Namn"]


def test_labels_are_unique_and_named_in_snake_case():
    texts = list(glossary.LABELS.values())
    assert sorted({t for t in texts if texts.count(t) > 1}) == []
    assert [k for k in glossary.LABELS if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", k)] == []
    assert all(text.strip() == text and text for text in texts)


def test_labels_do_not_repeat_a_term_the_glossary_already_has():
    other = {*glossary.FIELDS.values(), *glossary.MODELS.values(), *glossary.PAGES.values(), glossary.OVERDUE}
    assert sorted(set(glossary.LABELS.values()) & other - HOMONYMS) == []
