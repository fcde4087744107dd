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
