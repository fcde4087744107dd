"""The classroom edition: exercises in every chapter, solutions gone from the student
notebooks, and every reference solution passing its checker while the starter does not."""

import ast
import contextlib
import copy
import io
import math
import re
import sys
from pathlib import Path

import jupytext
import pytest
import torch
from torch import nn

import lstm_tutorial as lt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import make_student  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.md"))
LABEL = re.compile(r"```\{exercise-start\}[^\n]*\n:label: (\S+)")


def solutions(md: Path):
    """(label, [code of each solution cell]) for every solution in a chapter."""
    notebook = jupytext.read(md)
    found, label, inside = [], None, False
    for cell in notebook.cells:
        if cell.cell_type == "code":
            if inside:
                found[-1][1].append(cell.source)
            continue
        for line in cell.source.splitlines():
            start = re.match(r"```\{solution-start\} (\S+)", line)
            if start:
                label, inside = start.group(1), True
                found.append((label, []))
            elif line.startswith("```{solution-end}"):
                inside = False
    return found


def checked_solutions():
    for md in CHAPTERS:
        for label, cells in solutions(md):
            for source in cells:
                if any(make_student.is_checker_call(getattr(n, "test", getattr(n, "value", None)))
                       for n in ast.parse(source).body):
                    yield pytest.param(source, id=f"{md.name[:2]}-{label}")


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name[:2])
def test_every_chapter_has_two_exercises_one_checked(md):
    text = md.read_text()
    labels = LABEL.findall(text)
    assert len(labels) >= 2, f"{md.name}: {len(labels)} exercises"
    assert len(labels) == len(set(labels))
    checked = [label for label, cells in solutions(md) if "lt.exercises.check_" in "".join(cells)]
    assert checked, f"{md.name}: no exercise with a checker"
    # every exercise has a collapsed solution
    assert sorted(label for label, _ in solutions(md)) == sorted(labels)
    assert text.count(":class: dropdown") >= len(labels)


def run_cell(source: str) -> tuple[dict, str]:
    namespace = {"torch": torch, "nn": nn, "math": math, "copy": copy, "lt": lt}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<solution>", "exec"), namespace)
    return namespace, out.getvalue()


def definitions_and_checks(source: str) -> str:
    """The solution's functions and its checker calls, nothing that needs the chapter."""
    tree = ast.parse(source)
    keep = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.Import, ast.ImportFrom))
            or (isinstance(n, ast.Assert) and make_student.is_checker_call(n.test))]
    return "\n\n".join(ast.get_source_segment(source, n) for n in keep)


@pytest.mark.parametrize("source", list(checked_solutions()))
def test_reference_solution_passes_and_starter_does_not(source):
    _, printed = run_cell(definitions_and_checks(source))  # an assert fails here if not
    assert printed.startswith("✓"), printed
    starter = make_student.starter_from_solution(source)
    assert "raise NotImplementedError" in starter
    _, printed = run_cell(starter)
    assert "not implemented yet" in printed, printed
    assert printed.count("\n") == 1, "one sentence per checker"


def test_starter_keeps_signature_docstring_and_check():
    source = '''def f(x, W):
    """Doc."""
    y = x @ W.T
    return torch.tanh(y)


plot_it = 3
assert lt.exercises.check_f(f)
'''
    starter = make_student.starter_from_solution(source)
    assert starter == 'def f(x, W):\n    """Doc."""\n    raise NotImplementedError\n\n\nlt.exercises.check_f(f)'


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    return make_student.write_student_edition(CHAPTERS, out)


def significant_lines(source: str) -> set[str]:
    return {line.strip() for line in source.splitlines() if len(line.strip()) >= 12}


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name[:2])
def test_no_solution_survives_in_the_student_edition(md, edition):
    student = next(p for p in edition if p.stem == md.stem)
    text = "\n".join(c.source for c in jupytext.read(student).cells)
    public = jupytext.read(md)
    for label, cells in solutions(md):
        for source in cells:
            allowed = significant_lines(make_student.student_cell_source(source))
            for line in significant_lines(source) - allowed:
                # a line may also appear in the chapter outside the solution (an import)
                outside = sum(line in c.source for c in public.cells) > sum(line in c for c in cells)
                assert outside or line not in text, f"{md.name} {label}: solution line survives: {line}"
    assert "solution-start" not in text and "exercise-start" not in text
    assert "```{solution" not in text


def test_solution_prose_is_removed():
    md = ROOT / "chapters" / "10_the_whole_cell.md"
    notebook = make_student.studentize(jupytext.read(md), 10)
    text = "\n".join(c.source for c in notebook.cells)
    assert "an ablation study" in md.read_text() and "an ablation study" not in text
    starters = [c for c in notebook.cells if "exercise" in c.metadata.get("tags", [])]
    assert any("check_lstm_step(lstm_step)" in c.source for c in starters)
    assert all("raises-exception" in c.metadata["tags"] for c in starters)


def test_checkers_and_chapters_agree():
    """Every checker is used by a chapter, and every checker a chapter calls exists."""
    text = "".join(md.read_text() for md in CHAPTERS)
    called = set(re.findall(r"lt\.exercises\.(check_\w+)", text))
    defined = {name for name in dir(lt.exercises) if name.startswith("check_") and name != "check_function"}
    assert called - defined == set()
    assert defined - called == set()


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name[:2])
def test_student_prose_has_no_markup_only_the_book_resolves(md, edition):
    student = next(p for p in edition if p.stem == md.stem)
    prose = "\n".join(c.source for c in jupytext.read(student).cells if c.cell_type == "markdown")
    leftover = re.findall(r"\{(?:term|ref|numref|cite(?::[pt])?|glue(?::text)?)\}`[^`]*`", prose)
    assert not leftover, f"{student.name}: {leftover[:3]}"
    assert not re.search(r"^\([\w-]+\)=", prose, re.M), f"{student.name}: a MyST label line is left"
    assert "lt.glued(" in prose


def test_roles_become_plain_text():
    entries = make_student.parse_file(ROOT / "references.bib").entries
    text = ("(ch-x)=\n# T\nSee {ref}`chapter 2 <ch-unrolling>`, the {term}`forget gate` and "
            "{term}`Unrolling <unrolling>`; {cite:t}`hochreiter1997long` and "
            "{cite:p}`greff2017lstm,cho2014learning` give {glue:text}`rmse:.3f`.")
    assert make_student.plain_roles(text, entries) == (
        "# T\nSee chapter 2, the forget gate and Unrolling; Hochreiter and Schmidhuber (1997) "
        "and (Greff et al., 2017; Cho et al., 2014) give [`rmse`].")
    with pytest.raises(ValueError, match="'nobody2099' is not in references.bib"):
        make_student.plain_roles("{cite:p}`nobody2099`", entries)


def _toy_chapter(body: str):
    return jupytext.reads("---\njupytext:\n  text_representation:\n    format_name: myst\n---\n# Toy\n\n" + body,
                          fmt="md:myst")


def test_a_prose_exercise_leaves_an_answer_cell_after_its_question():
    notebook = make_student.studentize(_toy_chapter(
        "```{exercise-start}\n:label: ex-a\n```\nWhy is the sky blue?\n```{exercise-end}\n```\n\n"
        "```{solution-start} ex-a\n:class: dropdown\n```\nRayleigh scattering.\n```{solution-end}\n```\n\n"
        "After the exercise.\n"), 1, entries={})
    sources = [c.source for c in notebook.cells]
    question = next(k for k, s in enumerate(sources) if "Why is the sky blue?" in s)
    answer = next(k for k, s in enumerate(sources) if s == make_student.PROSE_ANSWER["en"])
    assert question < answer < next(k for k, s in enumerate(sources) if "After the exercise." in s)
    assert notebook.cells[answer].cell_type == "markdown"
    assert not any("Rayleigh" in s for s in sources)


def test_a_follow_up_step_keeps_its_instruction_over_an_empty_answer():
    follow_up = "# Now run it on the trained cell and print the gap.\ngap = f(trained)\nprint(gap)\n"
    assert make_student.student_cell_source(follow_up) == (
        "# Now run it on the trained cell and print the gap.\n" + make_student.EMPTY_ANSWER["en"])
    with pytest.raises(ValueError, match="must open with a comment saying what the student is to do"):
        make_student.student_cell_source("gap = f(trained)\n")


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name[:2])
def test_every_solution_cell_leaves_the_student_a_cell(md, edition):
    """One starter cell per solution code cell, one answer cell per prose solution."""
    student = jupytext.read(next(p for p in edition if p.stem == md.stem))
    starters = [c for c in student.cells if "exercise" in c.metadata.get("tags", [])]
    answers = [c for c in student.cells if "answer" in c.metadata.get("tags", [])]
    found = solutions(md)
    assert len(starters) == sum(len(cells) for _, cells in found)
    assert len(answers) == sum(1 for _, cells in found if not cells)
