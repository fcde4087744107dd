"""Each chapter's .ipynb is exactly what its .md source generates, with no outputs."""

from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
# The teachers' page runs code too, so it has launch buttons and needs its notebook.
SOURCES = sorted(CHAPTERS.glob("*.md")) + [ROOT / "teachers.md"]


def test_there_are_chapters():
    assert SOURCES, f"no chapter sources in {CHAPTERS}"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.name)
def test_notebook_matches_its_source(md):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{ipynb.name} is missing: run `make notebooks`"
    expected = jupytext.read(md)
    actual = nbformat.read(ipynb, as_version=4)
    want = [(c.cell_type, c.source, dict(c.metadata)) for c in expected.cells]
    got = [(c.cell_type, c.source, dict(c.metadata)) for c in actual.cells]
    assert got == want, f"{ipynb.name} differs from {md.name}: run `make notebooks`"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.name)
def test_notebook_has_no_outputs(md):
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{md.with_suffix('.ipynb').name} has outputs"


@pytest.mark.parametrize("nb", sorted(CHAPTERS.glob("*.ipynb")) + sorted(ROOT.glob("*.ipynb")), ids=lambda p: p.name)
def test_every_notebook_has_a_source(nb):
    assert nb.with_suffix(".md").exists(), f"{nb.name} has no .md source; the .md is the only hand-edited file"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.name)
def test_code_fits_the_page(md):
    """The book's code column shows about 80 characters; a longer line scrolls out of sight."""
    long = [
        line
        for cell in jupytext.read(md).cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if len(line) > 80
    ]
    assert not long, f"{md.name} has code lines over 80 characters: {long}"
