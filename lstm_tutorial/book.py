"""Handing numbers from cells to the book's prose."""

from __future__ import annotations

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
