"""The bibliography and the citations agree: every entry of references.bib is cited, every
citation has an entry, every entry is complete, and the papers the source notes rely on
are all there."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "references.bib"

# Every page of the book that may cite: the chapters, and the top-level pages.
SOURCES = sorted((ROOT / "chapters").glob("*.md")) + [
    p for name in ("intro.md", "notation.md", "glossary.md", "teachers.md") if (p := ROOT / name).exists()
]

# The papers the source notes cite (the notes translate Olah's essay, which cites them).
NOTES_CITE = [
    "olah2015understanding",
    "karpathy2015unreasonable",
    "bengio1994learning",
    "hochreiter1997long",
    "gers2000recurrent",  # Gers & Schmidhuber (2000), "Recurrent nets that time and count": peepholes
    "gers2000learning",  # Gers, Schmidhuber & Cummins (2000): the forget gate
    "cho2014learning",
    "yao2015depth",
    "koutnik2014clockwork",
    "greff2017lstm",
    "jozefowicz2015empirical",
    "xu2015show",
    "kalchbrenner2015grid",
    "gregor2015draw",
    "chung2015recurrent",
    "bayer2014learning",
    "graves2013generating",  # the notes name Graves for generative RNNs
]

ENTRY = re.compile(r"^@(\w+)\s*\{\s*([^,\s]+)\s*,(.*?)^\}", re.MULTILINE | re.DOTALL)
FIELD = re.compile(r"^\s*(\w+)\s*=\s*(\{.*?\}|\"[^\"]*\"|\d+)\s*,?\s*$", re.MULTILINE | re.DOTALL)
# {cite}`a`, {cite:p}`a,b`, {cite:t}`a`, and the other sphinxcontrib-bibtex flavours
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]*)`")


def bib_entries() -> dict[str, dict[str, str]]:
    text = BIB.read_text(encoding="utf-8")
    entries: dict[str, dict[str, str]] = {}
    for kind, key, body in ENTRY.findall(text):
        if kind.lower() in ("comment", "preamble", "string"):
            continue
        assert key not in entries, f"references.bib defines {key} twice"
        entries[key] = {name.lower(): value for name, value in FIELD.findall(body)}
    return entries


def citations() -> dict[str, set[str]]:
    """Each cited key, with the files that cite it."""
    cited: dict[str, set[str]] = {}
    for path in SOURCES:
        for keys in CITE.findall(path.read_text(encoding="utf-8")):
            for key in keys.split(","):
                if key.strip():
                    cited.setdefault(key.strip(), set()).add(str(path.relative_to(ROOT)))
    return cited


ENTRIES = bib_entries()
CITED = citations()


def test_the_parsers_find_something():
    assert len(ENTRIES) >= 20, f"only {len(ENTRIES)} entries parsed from references.bib"
    assert len(CITED) >= 20, f"only {len(CITED)} cited keys found in {len(SOURCES)} sources"
    assert "hochreiter1997long" in CITED


def test_the_parsers_read_every_form():
    """The regular expressions above must accept what the book writes."""
    sample = "{cite:p}`a, b` and {cite:t}`c` and {cite}`d` and {cite:ps}`e`"
    assert [k.strip() for m in CITE.findall(sample) for k in m.split(",")] == ["a", "b", "c", "d", "e"]
    entry = '@misc{k,\n  title = {A {B} C},\n  author = "X, Y",\n  year = 2001\n}\n'
    ((kind, key, body),) = ENTRY.findall(entry)
    fields = {n: v for n, v in FIELD.findall(body)}
    assert (kind, key, sorted(fields)) == ("misc", "k", ["author", "title", "year"])


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_entry_is_cited(key):
    if key not in CITED:
        pytest.fail(f"references.bib has {key}, but no page cites it with {{cite:p}} or {{cite:t}}")


@pytest.mark.parametrize("key", sorted(CITED))
def test_every_citation_has_an_entry(key):
    if key not in ENTRIES:
        pytest.fail(f"{key} is cited in {sorted(CITED[key])} but missing from references.bib")


@pytest.mark.parametrize("key", NOTES_CITE)
def test_the_notes_papers_are_in_the_bibliography(key):
    if key not in ENTRIES:
        pytest.fail(f"the source notes cite {key}; references.bib lacks it")


def test_a_graves_paper_is_in_the_bibliography():
    graves = [key for key, fields in ENTRIES.items() if "Graves" in fields.get("author", "")]
    assert graves, "the source notes cite Alex Graves's work; references.bib has no entry by Graves"


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_entry_is_complete(key):
    fields = ENTRIES[key]
    missing = [name for name in ("title", "author", "year") if name not in fields]
    assert not missing, f"{key} lacks {', '.join(missing)}"
    year = fields["year"].strip('{}"')
    assert re.fullmatch(r"(19|20)\d\d", year), f"{key} has year {fields['year']!r}, expected four digits"
