"""Handing numbers from cells to the book's prose."""

from __future__ import annotations


def glue(name: str, value, display: bool = False):
    """Make ``value`` available to the text as ``{glue:text}`name```, then return it.

    In the built book this is myst-nb's ``glue``; where myst-nb is not installed (a bare
    Colab kernel, say) the value is simply returned, and the cell still runs.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return value
    myst_glue(name, value, display=display)
    return value


def show_lines(function, *patterns: str) -> None:
    """Print the lines of ``function``'s source that contain any of ``patterns``, with the
    file and line number: a chapter points at the package's code instead of copying it."""
    import inspect
    from pathlib import Path

    lines, start = inspect.getsourcelines(function)
    path = Path(inspect.getsourcefile(function))
    where = f"{path.parent.name}/{path.name}"
    shown = [(start + k, line.rstrip()) for k, line in enumerate(lines) if any(p in line for p in patterns)]
    if not shown:
        raise ValueError(
            f"show_lines: expected a line containing one of {patterns} in {function.__qualname__}, got none"
        )
    width = max(len(line.strip()) for _, line in shown)
    for number, line in shown:
        print(f"{line.strip():<{width}}   # {where}, line {number}")
