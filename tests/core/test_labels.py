"""Every label a page shows comes from core/glossary.py: one concept, one English name, one Swedish label."""
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

# Text allowed as it is, with why. Keep this small: a label belongs in the glossary.
ALLOWED = {
    ("pages/_shared/auth.py", "Demoläge."),  # the first word of the demo notice's sentence, not a section heading
}
NOT_YET: set[str] = set()  # files whose labels have not moved yet (none)

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


def test_pages_take_their_labels_from_the_glossary():
    found = []
    for path in sorted((PROJECT_DIR / "pages").rglob("*.py")):
        name = path.relative_to(PROJECT_DIR).as_posix()
        if name in NOT_YET:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=name)
        found += [f"{name}:{line}: {text!r}" for line, text in _offences(tree) if (name, text) not in ALLOWED]
    assert found == [], "Labels that belong in core/glossary.py (LABELS, FIELDS, …):\n" + "\n".join(found)


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
