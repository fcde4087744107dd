"""Checkers for the book's code exercises.

Each ``check_*`` function takes a student's answer (usually a function), tries it on several
inputs against a reference, prints one plain sentence saying what is right or wrong, and
returns True or False. It never raises, so an unanswered exercise does not stop a notebook.
"""

import importlib

from ._harness import Case, case, check_function, compare, report
from .ch01 import *  # noqa: F403
from .ch02 import *  # noqa: F403
from .ch03 import *  # noqa: F403
from .ch04 import *  # noqa: F403
from .ch05 import *  # noqa: F403
from .ch06 import *  # noqa: F403
from .ch07 import *  # noqa: F403
from .ch08 import *  # noqa: F403
from .ch09 import *  # noqa: F403
from .ch10 import *  # noqa: F403
from .ch11 import *  # noqa: F403
from .ch12 import *  # noqa: F403
from .ch13 import *  # noqa: F403
from .ch14 import *  # noqa: F403
from .ch15 import *  # noqa: F403
from .ch16 import *  # noqa: F403
from .ch17 import *  # noqa: F403
from .ch18 import *  # noqa: F403
from .ch19 import *  # noqa: F403
from .ch20 import *  # noqa: F403
from .ch21 import *  # noqa: F403
from .ch22 import *  # noqa: F403

CHAPTERS = range(1, 23)


def catalogue() -> dict[int, list[str]]:
    """The checkers, by chapter: ``{10: ["check_lstm_step"], ...}``."""
    found = {}
    for chapter in CHAPTERS:
        names = importlib.import_module(f"{__name__}.ch{chapter:02d}").__all__
        if names:
            found[chapter] = list(names)
    return found


__all__ = ["Case", "case", "catalogue", "check_function", "compare", "report"]
