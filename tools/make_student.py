"""Write the student edition: one notebook per chapter with every solution taken out.

Each chapter's ``.md`` source is read with jupytext. Inside a solution (between
``{solution-start}`` and ``{solution-end}``) the prose goes, and each code cell becomes a
starter cell: every top-level ``def`` keeps its signature and docstring and gets the body
``raise NotImplementedError``; every ``assert lt.exercises.check_...(...)`` becomes a plain
call of the checker (which prints what is wrong and never raises); everything else goes. A
code cell with no function to write is a follow-up step ("now use it on the trained cell"):
it must open with a comment that says what to do, and the student gets that comment over an
empty answer. A solution with no code at all (a question answered in words) leaves the
student a text cell to answer in.
The exercise directives become plain headings a notebook can show, and the MyST roles that
only the online book resolves become plain text: a glossary term its word, a cross-reference
its text, a citation "(Author, year)", a glued number its name in brackets (a note under
the title says so).

With ``--language zh_CN`` the edition is the Chinese one: every paragraph, heading, list item
and table cell of the chapter is replaced by its translation from the same catalogs the
Chinese book is built from (``locales/zh_CN/LC_MESSAGES/chapters/*.po``), before the solutions
come out; code, and the checkers' messages, stay as they are.

    python tools/make_student.py [--chapters chapters/*.md] [--out student] [--language zh_CN]
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import sys
from pathlib import Path

import jupytext
import nbformat
from babel.messages.pofile import read_po
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parent.parent
STARTER_TAGS = ["exercise", "raises-exception"]
LANGUAGES = ("en", "zh_CN")
EMPTY_ANSWER = {"en": "# Your answer here.\n", "zh_CN": "# 在这里写你的答案。\n"}
PROSE_ANSWER = {
    "en": "**Your answer.** *(Double-click this cell and write it here.)*",
    "zh_CN": "**你的答案。** *（双击这个单元格，在这里写下答案。）*",
}
EXERCISE = {"en": "Exercise", "zh_CN": "练习"}
ANSWER_TAGS = ["answer"]

SOLUTION_START = re.compile(r"^```\{solution-start\}.*?^```[ \t]*\n?", re.M | re.S)
SOLUTION_END = re.compile(r"^```\{solution-end\}[ \t]*\n```[ \t]*\n?", re.M)
EXERCISE_START = re.compile(r"^```\{exercise-start\}[^\n]*\n:label: (\S+)\n(?::[^\n]*\n)*```[ \t]*\n", re.M)
EXERCISE_END = re.compile(r"^```\{exercise-end\}[ \t]*\n```[ \t]*\n?", re.M)


def is_checker_call(node: ast.AST) -> bool:
    """``lt.exercises.check_x(...)``, ``exercises.check_x(...)`` or ``check_x(...)``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name.startswith("check_")


def starter_from_solution(source: str) -> str:
    """The starter a student sees in place of one solution cell's code."""
    tree = ast.parse(source)
    lines = source.splitlines()
    pieces = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            pieces.append(_stub(node, lines))
        elif isinstance(node, ast.Assert) and is_checker_call(node.test):
            pieces.append(ast.get_source_segment(source, node.test))
        elif isinstance(node, ast.Expr) and is_checker_call(node.value):
            pieces.append(ast.get_source_segment(source, node.value))
    return "\n\n\n".join(pieces)


def instruction(source: str) -> str:
    """The comment lines a follow-up solution cell opens with: what the student is to do."""
    lines = []
    for line in source.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def student_cell_source(source: str, language: str = "en") -> str:
    """What the student gets for one solution code cell: the starter if the cell defines the
    answer, else the cell's opening instruction over an empty answer."""
    starter = starter_from_solution(source)
    if starter:
        return starter
    told = instruction(source)
    if not told:
        raise ValueError(
            "a solution code cell with no function to write must open with a comment saying what the "
            f"student is to do there; got a cell starting {source.strip().splitlines()[0][:60]!r}"
        )
    return f"{told}\n{EMPTY_ANSWER[language]}"


def _stub(node: ast.FunctionDef, lines: list[str]) -> str:
    body_start = node.body[0]
    first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    header = "\n".join(lines[first - 1 : body_start.lineno - 1])
    indent = " " * body_start.col_offset
    doc = ast.get_docstring(node, clean=False)
    parts = [header]
    if doc is not None:
        parts.append("\n".join(lines[body_start.lineno - 1 : body_start.end_lineno]))
    parts.append(f"{indent}raise NotImplementedError")
    return "\n".join(parts)


TARGET = re.compile(r"^\([\w-]+\)=[ \t]*\n", re.M)  # a MyST label line such as (ch-memory)=
GLUE_NOTE = {
    "en": (
        "*Student edition.* A number written like [`name`] in the text is computed by a code "
        "cell above it, which stores it with `lt.glue(\"name\", value)`; once that cell has run, "
        "`lt.glued(\"name\")` gives it. "
        "The exercises are at the end, with starter cells and checkers in place of the solutions."
    ),
    "zh_CN": (
        "*学生版。* 正文中写作 [`name`] 的数字由它上方的某个代码单元格算出，并用 "
        "`lt.glue(\"name\", value)` 保存；运行过那个单元格之后，`lt.glued(\"name\")` 就会给出它。"
        "练习在本章末尾，解答的位置换成了起始代码和检查函数（检查函数的提示信息是英文的）。"
    ),
}
ROLE = re.compile(r"\{(term|ref|numref|cite:p|cite:t|cite|glue:text|glue)\}`([^`]*)`")


def _citation(key: str, entries, textual: bool) -> str:
    if key not in entries:
        raise ValueError(f"citation key {key!r} is not in references.bib")
    entry = entries[key]
    names = [" ".join(p.last_names) for p in entry.persons.get("author", [])]
    who = names[0] + (" and " + names[1] if len(names) == 2 else " et al." if len(names) > 2 else "")
    year = entry.fields.get("year", "n.d.")
    return f"{who} ({year})" if textual else f"{who}, {year}"


def plain_roles(text: str, entries) -> str:
    """The book's MyST roles as the plain text a notebook can show."""

    def replace(match: re.Match) -> str:
        role, body = match.groups()
        if role.startswith("glue"):
            return f"[`{body.split(':')[0]}`]"
        if role.startswith("cite"):
            keys = [k.strip() for k in body.split(",")]
            cited = [_citation(k, entries, role == "cite:t") for k in keys]
            return "; ".join(cited) if role == "cite:t" else "(" + "; ".join(cited) + ")"
        shown = re.fullmatch(r"(.*?)\s*<([^>]+)>", body, re.S)
        return shown.group(1) if shown else body

    return TARGET.sub("", ROLE.sub(replace, text))


def _exercise_heading(chapter: int, counter: list[int], language: str = "en"):
    def heading(match: re.Match) -> str:
        counter[0] += 1
        return f"**{EXERCISE[language]} {chapter}.{counter[0]}** <!-- {match.group(1)} -->\n\n"

    return heading


def studentize(notebook: nbformat.NotebookNode, chapter: int, entries=None,
               language: str = "en") -> nbformat.NotebookNode:
    """The chapter with its solutions removed and starters in their place."""
    entries = parse_file(ROOT / "references.bib").entries if entries is None else entries
    cells = []
    in_solution = False
    solution_code: list[str] = []
    counter = [0]

    def close_solution():
        for source in solution_code:
            cells.append(nbformat.v4.new_code_cell(student_cell_source(source, language),
                                                   metadata={"tags": list(STARTER_TAGS)}))
        if not solution_code:
            cells.append(nbformat.v4.new_markdown_cell(PROSE_ANSWER[language], metadata={"tags": list(ANSWER_TAGS)}))

    for cell in notebook.cells:
        if cell.cell_type == "code":
            if in_solution:
                solution_code.append(cell.source)
            else:
                cells.append(cell)
            continue
        kept, text = [], cell.source

        def flush(kept=kept, metadata=cell.metadata):
            prose = EXERCISE_START.sub(_exercise_heading(chapter, counter, language), "".join(kept))
            prose = plain_roles(EXERCISE_END.sub("", prose), entries).strip()
            if prose:
                cells.append(nbformat.v4.new_markdown_cell(prose, metadata=metadata))
            kept.clear()

        while text:
            if in_solution:
                end = SOLUTION_END.search(text)
                if end is None:
                    text = ""
                    break
                text = text[end.end() :]
                in_solution = False
                flush()  # the exercise's own text comes before its answer cell
                close_solution()
                solution_code = []
            else:
                start = SOLUTION_START.search(text)
                if start is None:
                    kept.append(text)
                    break
                kept.append(text[: start.start()])
                text = text[start.end() :]
                in_solution = True
        flush()
    if in_solution:
        raise ValueError(f"chapter {chapter}: a solution-start has no matching solution-end")
    title = next((n for n, c in enumerate(cells) if c.cell_type == "markdown"), None)
    if title is not None:
        cells.insert(title + 1, nbformat.v4.new_markdown_cell(GLUE_NOTE[language]))
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=notebook.metadata)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number:03d}"  # fixed ids: regenerating makes no noise
    return notebook


MARKDOWN = create_md_parser(
    MdParserConfig(enable_extensions={"amsmath", "colon_fence", "deflist", "dollarmath", "substitution"}), RendererHTML
)


def messages(page: str, language: str, root: Path = ROOT) -> dict[str, str]:
    """English message to its translation, from the page's catalog (fuzzy entries left out)."""
    path = root / "locales" / language / "LC_MESSAGES" / f"{page}.po"
    if not path.exists():
        raise ValueError(f"expected a catalog for {page!r} in {language} at {path}, found none")
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def translate_markdown(source: str, translations: dict[str, str]) -> str:
    """A Markdown cell with each paragraph, heading, list item and table cell replaced by its
    translation. The key is the text as Sphinx's gettext builder extracts it: the block's
    source with its lines joined by spaces (what the catalogs hold)."""
    lines = source.split("\n")
    dropped: set[int] = set()
    for token in MARKDOWN.parse(source):
        if token.type != "inline" or token.map is None:
            continue
        msgid = token.content.replace("\n", " ").strip()
        msgstr = translations.get(msgid)
        if not msgstr:
            continue
        start, end = token.map
        content = token.content.split("\n")
        at = lines[start].find(content[0])
        if at < 0:
            continue
        if len(content) == 1:  # a heading, a one-line paragraph or item, a table cell
            lines[start] = lines[start][:at] + msgstr + lines[start][at + len(content[0]):]
        else:  # the block becomes one line, after its marker ("- ", "1. ", indentation)
            lines[start] = lines[start][:at] + msgstr
            dropped.update(range(start + 1, min(end, start + len(content))))
    return "\n".join(line for n, line in enumerate(lines) if n not in dropped)


def translated(notebook: nbformat.NotebookNode, page: str, language: str) -> nbformat.NotebookNode:
    if language == "en":
        return notebook
    translations = messages(page, language)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, translations)
    return notebook


def write_student_edition(chapters: list[Path], out: Path, language: str = "en") -> list[Path]:
    if language not in LANGUAGES:
        raise ValueError(f"expected a language among {', '.join(LANGUAGES)}, got {language!r}")
    (out / "chapters").mkdir(parents=True, exist_ok=True)
    written = []
    entries = parse_file(ROOT / "references.bib").entries
    for md in chapters:
        notebook = translated(jupytext.read(md), f"chapters/{md.stem}", language)
        chapter = int(md.name[:2])
        student = studentize(notebook, chapter, entries, language)
        student.metadata.pop("jupytext", None)
        path = out / "chapters" / md.with_suffix(".ipynb").name
        nbformat.write(student, path)
        written.append(path)
    return written


def write_handout(out: Path, language: str = "en") -> None:
    """What a student needs besides the notebooks: the package (with its data and
    checkers), the pinned requirements, and how to start (in the edition's language)."""
    for name in ("requirements.txt", "pyproject.toml", "LICENSE"):
        shutil.copy(ROOT / name, out / name)
    readme = "student_README.md" if language == "en" else f"student_README.{language}.md"
    shutil.copy(ROOT / "tools" / readme, out / "README.md")
    shutil.rmtree(out / "lstm_tutorial", ignore_errors=True)
    shutil.copytree(ROOT / "lstm_tutorial", out / "lstm_tutorial", ignore=shutil.ignore_patterns("__pycache__"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="*", type=Path, default=sorted((ROOT / "chapters").glob("[0-9][0-9]_*.md")))
    parser.add_argument("--out", type=Path, default=ROOT / "student")
    parser.add_argument("--zip", type=Path, help="also pack the edition into this .zip file")
    parser.add_argument("--language", default="en", choices=LANGUAGES, help="en, or zh_CN for the Chinese edition")
    args = parser.parse_args(argv)
    shutil.rmtree(args.out / "chapters", ignore_errors=True)
    written = write_student_edition(args.chapters, args.out, args.language)
    write_handout(args.out, args.language)
    print(f"student edition ({args.language}): {len(written)} notebooks in {args.out / 'chapters'}")
    if args.zip:
        args.zip.parent.mkdir(parents=True, exist_ok=True)
        archive = shutil.make_archive(str(args.zip.with_suffix("")), "zip", args.out.parent, args.out.name)
        print(f"packed into {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
