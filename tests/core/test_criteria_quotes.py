"""Every quote in the current criteria is word for word in the paragraph it cites, in the shipped regulation texts.

The texts are docs/forfattningar/SSMFS-2018-1.txt and SSMFS-2018-5.txt, extracted from SSM's PDFs. A quote is
compared with the text with the PDF's page furniture left out (running header, page number), hyphens at a line
break joined and whitespace collapsed. A quote names where each part comes from:

    SSMFS 2018:5 3 kap. 2 §: ”…” 7 kap. 6 §: ”…” / ”…”

The document carries over to the next part until another is named; "…" inside a part marks left-out words, and
each piece between them must be found in order in that paragraph, which the criterion's reference must cite.
"""
import re
from functools import cache

import pytest

from core.self_assessment.criteria import CriterionSpec, parse_criteria
from core.services.self_assessments import shipped_criteria
from tests.conftest import PROJECT_DIR

TEXTS = PROJECT_DIR / "docs" / "forfattningar"
SHIPPED_TEXTS = ("2018:1", "2018:5")
FIRST_CHECKED_VERSION = 3  # v1 and v2 are records of what earlier assessments answered; from v3 every quote is checked

CHAPTER = re.compile(r"^(?:\d+\s{3,})?(\d+) kap\. [A-ZÅÄÖ]")
PARAGRAPH = re.compile(r"^(?:\d+\s{3,})?(\d+)(?: ([a-z]))? §(?:\s|$)")
ANNEX = re.compile(r"^Bilaga (\d+)\b")
PAGE_NUMBER_FIRST = re.compile(r"^\s*\d+\s{5,}(\S.*)$")
PAGE_NUMBER_LAST = re.compile(r"^(.*\S)\s{5,}\d+\s*$")
LOCATION = (r"(?:SSMFS (?P<doc>\d{4}:\d+) )?(?:(?:(?P<chapter>\d+) kap\. (?P<paragraph>\d+(?: [a-z])?) §"
            r"(?: [a-zåäö]+ stycket)?(?: punkt \d+)?)|[Bb]ilaga (?P<annex>\d+))")
PART = re.compile(LOCATION + r": (?P<texts>”[^”]*”(?: / ”[^”]*”)*)\s*")
MIN_PIECE = 12  # a quoted piece shorter than this ("ska") proves nothing


def normalise(text: str) -> str:
    """Join words hyphenated at a line break and collapse whitespace."""
    return re.sub(r"\s+", " ", re.sub(r"-\n\s*", "", text)).strip()


def _without_page_furniture(page: str) -> list[str]:
    """A PDF page's lines without the running header (SSMFS 2018:x) at its top and the page number at its foot."""
    lines = page.splitlines()
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if filled and re.fullmatch(r"SSMFS \d{4}:\d+", lines[filled[0]].strip()):
        lines[filled[0]] = ""
    if filled:
        last = lines[filled[-1]]
        kept = PAGE_NUMBER_FIRST.match(last) or PAGE_NUMBER_LAST.match(last)
        lines[filled[-1]] = "" if last.strip().isdigit() else kept.group(1) if kept else last
    return lines


@cache
def paragraphs(doc: str) -> dict[tuple[str, str], str]:
    """The shipped text of SSMFS `doc` by (chapter, paragraph), annexes as ("bilaga", n), normalised."""
    pages = (TEXTS / f"SSMFS-{doc.replace(':', '-')}.txt").read_text(encoding="utf-8").split("\f")
    found: dict[tuple[str, str], list[str]] = {}
    key, chapter, number = None, 0, 0
    for line in (line.strip() for page in pages for line in _without_page_furniture(page)):
        heading, paragraph, annex = CHAPTER.match(line), PARAGRAPH.match(line), ANNEX.match(line)
        if heading and int(heading.group(1)) == chapter + 1:  # numbered in order: a "6 kap." inside a sentence is not
            chapter, number, key = chapter + 1, 0, None
        elif annex and chapter:
            chapter, key = -1, ("bilaga", annex.group(1))  # an annex's heading repeats on each of its pages
        elif paragraph and chapter > 0 and (int(paragraph.group(1)) == number + 1
                                            or (int(paragraph.group(1)) == number and paragraph.group(2))):
            number = int(paragraph.group(1))
            key = (str(chapter), " ".join(g for g in paragraph.groups() if g))
        if key:
            found.setdefault(key, []).append(line)
    return {k: normalise("\n".join(lines)) for k, lines in found.items()}


def _numbers(text: str) -> list[str]:
    """Expand "18–20, 23 och 25" or "3 och 3 a" into paragraph numbers."""
    found = []
    for item in re.split(r",\s*|\s+och\s+", text.strip()):
        if "–" in item:
            low, high = (int(n) for n in item.split("–"))
            found += [str(n) for n in range(low, high + 1)]
        elif item:
            found.append(item)
    return found


def cited(reference: str) -> set[tuple[str, str, str]]:
    """The (document, chapter, paragraph) a reference cites; another statute's paragraphs have document ""."""
    found, doc, chapter = set(), "", ""
    token = re.compile(r"SSMFS (?P<doc>\d{4}:\d+)|(?P<other>strålskydds(?:lagen|förordningen))|(?P<chapter>\d+) kap\."
                       r"|(?P<paras>\d+(?: [a-z])?(?:–\d+)?(?:(?:, | och )\d+(?: [a-z])?(?:–\d+)?)*) §"
                       r"|[Bb]ilaga (?P<annex>\d+)")
    for m in token.finditer(reference):
        if m["doc"] or m["other"]:
            doc, chapter = m["doc"] or "", ""
        elif m["chapter"]:
            chapter = m["chapter"]
        elif m["paras"]:
            found |= {(doc, chapter, p) for p in _numbers(m["paras"])}
        else:
            found.add((doc, "bilaga", m["annex"]))
    return found


def _parts(quote: str) -> tuple[list[tuple[str, str, str, list[str]]], str]:
    """Split a quote into (document, chapter, paragraph, quoted texts); also return what did not fit the form."""
    parts, doc, end, rest = [], "", 0, ""
    for m in PART.finditer(quote):
        rest += quote[end:m.start()]
        doc = m["doc"] or doc
        where = ("bilaga", m["annex"]) if m["annex"] else (m["chapter"], m["paragraph"])
        parts.append((doc, *where, re.findall(r"”([^”]*)”", m["texts"])))
        end = m.end()
    return parts, (rest + quote[end:]).strip()


def quote_problems(criterion: CriterionSpec) -> list[str]:
    """Say, for one criterion, each way its quote is not the cited paragraph's own words."""
    parts, stray = _parts(criterion.quote or "")
    problems = [f"{criterion.code}: text utanför citatformen: {stray!r}"] if stray else []
    problems += [f"{criterion.code}: citatet saknas eller anger inte var det står"] if not parts else []
    for doc, chapter, paragraph, texts in parts:
        where = f"SSMFS {doc} " + (f"bilaga {paragraph}" if chapter == "bilaga" else f"{chapter} kap. {paragraph} §")
        if doc not in SHIPPED_TEXTS:
            problems.append(f"{criterion.code}: {where}: föreskriften följer inte med portalen")
            continue
        if (doc, chapter, paragraph) not in cited(criterion.reference or ""):
            problems.append(f"{criterion.code}: {where} citeras men står inte i hänvisningen")
        text = paragraphs(doc).get((chapter, paragraph))
        if text is None:
            problems.append(f"{criterion.code}: {where} finns inte i den utlämnade texten")
            continue
        for quoted in texts:
            problems += _piece_problems(criterion.code, where, quoted, text)
    return problems


def _piece_problems(code: str, where: str, quoted: str, text: str) -> list[str]:
    """Find each piece of a quoted text (split at "…") in order in the paragraph's text."""
    problems, start = [], 0
    for piece in (normalise(p) for p in quoted.split("…")):
        if not piece:
            continue
        at = text.find(piece, start)
        if len(piece) < MIN_PIECE or at < 0:
            problems.append(f"{code}: {where}: ”{piece}” står inte ordagrant i paragrafen")
        else:
            start = at + len(piece)
    return problems


def _current() -> dict[str, list[CriterionSpec]]:
    """The shipped criteria versions whose quotes are checked, with their criteria."""
    found = {}
    for version, path in shipped_criteria().items():
        if int(version) >= FIRST_CHECKED_VERSION:
            parsed, problems = parse_criteria(path.read_text(encoding="utf-8"))
            assert parsed is not None, problems
            found[version] = parsed.criteria
    return found


def test_the_texts_split_into_the_paragraphs_they_have():
    one, five = paragraphs("2018:1"), paragraphs("2018:5")
    assert one[("3", "19")].startswith("19 § Med utgångspunkt från den utredning") and ("3", "20") not in one
    assert five[("3", "9")].startswith("9 § Vid extern strålterapi") and five[("2", "1 a")].startswith("1 a § Det")
    assert five[("4", "4")].endswith("fungerar som avsett. Kontroller ska även utföras efter varje ingrepp som kan "
                                     "ha påverkat utrustningens egenskaper innan den åter tas i kliniskt bruk. För "
                                     "varje utrustning ska det utses en person eller funktion som beslutar om "
                                     "utrustningen får användas kliniskt efter en utförd serviceåtgärd. Avvikelser "
                                     "och fel")  # across a page break, without its header and page number
    assert "strålskyddslagen (2018:396), strålskyddsförordningen" in five[("1", "2")]  # "strål-\nskyddslagen"
    assert "Odontologisk CBCT av vuxna" in five[("bilaga", "1")]


def test_references_name_the_paragraphs_they_cite():
    assert cited("SSMFS 2018:1 4 kap. 18–20, 23 och 25 §§") == {("2018:1", "4", p) for p in "18 19 20 23 25".split()}
    assert cited("SSMFS 2018:1 4 kap. 1 § och 6 kap. 6 §; SSMFS 2018:5 4 kap. 7 §") == {
        ("2018:1", "4", "1"), ("2018:1", "6", "6"), ("2018:5", "4", "7")}
    assert cited("SSMFS 2018:5 5 kap. 3 och 3 a §§; 6 kap. 1 § och bilaga 1") == {
        ("2018:5", "5", "3"), ("2018:5", "5", "3 a"), ("2018:5", "6", "1"), ("2018:5", "bilaga", "1")}
    assert cited("SSMFS 2018:5 3 kap. 10 §; strålskyddsförordningen (2018:506) 8 kap. 9 §") == {
        ("2018:5", "3", "10"), ("", "8", "9")}


def test_there_is_a_current_criteria_version_to_check():
    assert "3" in _current()


@pytest.mark.parametrize("version", sorted(_current()))
def test_every_quote_in_the_current_criteria_is_word_for_word_in_the_paragraph_it_cites(version):
    criteria = _current()[version]
    assert [c.code for c in criteria if c.verified and not c.quote] == []
    problems = [p for c in criteria if c.quote for p in quote_problems(c)]
    assert not problems, "\n".join(problems)


def _spec(quote: str, reference: str) -> CriterionSpec:
    """A criterion that only quotes."""
    return CriterionSpec(code="X1", area="Test", text="Test", evidence_hint=None, reference=reference, verified=True,
                         modalities=["all"], position=0, quote=quote)


def test_the_check_refuses_quotes_that_are_not_the_cited_paragraphs_words():
    good = "SSMFS 2018:5 3 kap. 10 §: ”…ska redovisas i en skriftlig rapport till Strålsäkerhetsmyndigheten inom tre " \
           "månader från det att händelsen inträffade.”"
    assert quote_problems(_spec(good, "SSMFS 2018:5 3 kap. 10 §")) == []
    assert quote_problems(_spec(good.replace("tre månader", "3 månader"), "SSMFS 2018:5 3 kap. 10 §"))  # reworded
    assert quote_problems(_spec(good.replace("10 §", "11 §"), "SSMFS 2018:5 3 kap. 11 §"))  # another paragraph
    assert quote_problems(_spec(good.replace("2018:5", "2018:1"), "SSMFS 2018:1 3 kap. 10 §"))  # another document
    assert quote_problems(_spec(good, "SSMFS 2018:5 3 kap. 11 §"))  # a paragraph the reference does not cite
    assert quote_problems(_spec(good.replace("SSMFS 2018:5 3 kap. 10 §: ", ""), "SSMFS 2018:5 3 kap. 10 §"))
    assert quote_problems(_spec("Strålskyddsförordningen 8 kap. 9 §: ”ska anmälas”", "SSMFS 2018:5 3 kap. 10 §"))
    broken = "SSMFS 2018:5 3 kap. 10 §: ”ska redovisas … inom två månader från det att händelsen inträffade.”"
    assert quote_problems(_spec(broken, "SSMFS 2018:5 3 kap. 10 §"))  # one piece out of several
