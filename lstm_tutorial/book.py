"""Handing numbers from cells to the book's prose."""

from __future__ import annotations

import textwrap

_GLUED: dict[str, object] = {}


def glue(name: str, value, display: bool = False):
    """Make ``value`` available to the text as ``{glue:text}`name```, then return it.

    In the built book this is myst-nb's ``glue``; where myst-nb is not installed (a bare
    Colab kernel, say) the value is simply returned, and the cell still runs. Either way
    the value is kept, so that a reader of a notebook can ask for it with ``glued(name)``.
    """
    _GLUED[name] = value
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return value
    myst_glue(name, value, display=display)
    return value


def glued(name: str):
    """The value this session's chapter stored under ``name`` with ``glue``: what the online
    book prints where its text says ``{glue:text}`name``` (in a notebook, ``[`name`]``)."""
    if name not in _GLUED:
        known = ", ".join(sorted(_GLUED)) or "none yet: run the chapter's cells first"
        raise ValueError(f"no value glued under {name!r}; glued so far: {known}")
    return _GLUED[name]


#: the widest line a listing prints: what the HTML book's code output shows without scrolling
LISTING_WIDTH = 78


def show_lines(function, *patterns: str) -> None:
    """Print the lines of ``function``'s source that contain any of ``patterns``, each with its
    line number, under the file it comes from: a chapter points at the package's code instead
    of copying it. A line too wide for the page has its comment moved onto the line below."""
    import inspect
    from pathlib import Path

    lines, start = inspect.getsourcelines(function)
    path = Path(inspect.getsourcefile(function))
    shown = [(start + k, line.strip()) for k, line in enumerate(lines) if any(p in line for p in patterns)]
    if not shown:
        raise ValueError(
            f"show_lines: expected a line containing one of {patterns} in {function.__qualname__}, got none"
        )
    digits = len(str(shown[-1][0]))
    # the path from the package's folder down, as a reader finds the file in the repository
    package = Path(__file__).resolve().parent
    shown_path = path.resolve().relative_to(package.parent) if package in path.resolve().parents else path.name
    print(f"{Path(shown_path).as_posix()}, in {function.__qualname__}:")
    for number, line in shown:
        for k, part in enumerate(_fit(line, LISTING_WIDTH - digits - 2)):
            label = str(number) if k == 0 else ""
            print(f"{label:>{digits}}  {part}".rstrip())


def _fit(line: str, width: int) -> list[str]:
    """``line`` as one or more pieces no wider than ``width``: code first, then its comment."""
    if len(line) <= width:
        return [line]
    code, sep, comment = line.partition("  # ")
    pieces = [code] if sep else []
    text = "# " + comment if sep else line
    pieces += textwrap.wrap(text, width, subsequent_indent="  " if not sep else "# ", break_long_words=False)
    return pieces
