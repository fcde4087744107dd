"""The text of Part V: the source of Python 3.11.7's standard library, shipped in the package.

``python_stdlib_3.11.7.zip`` (in ``lstm_tutorial/datasets``, with its licence) holds the 168
top-level modules, and ``pydoc_data/topics.py``, the language reference as ``help()`` shows
it. Files are split into train, validation and test by a hash of their name, so the split
never depends on the order files are listed in, and a held-out file is wholly unseen.

The lines of chapter 20's task (``line_dataset``) are held out further: a held-out topic of the
reference can repeat, word for word, a part of a training topic (``attribute-access`` is a
subsection of ``specialnames``), and a line like ``        else:`` recurs from module to module. So a
validation line whose text occurs among the training lines, and a test line whose text occurs
among the training or validation lines, is left out (``split_lines``). The files themselves,
``files`` and ``source_text``, which chapter 21 reads, are split by name alone.

Characters become numbers through one small vocabulary: 0 is padding (never a character),
1 stands for any character outside it, then tab, newline and the 95 printable ASCII
characters.
"""

from __future__ import annotations

import ast
import random
import zipfile
import zlib
from functools import cache
from importlib import resources

import numpy as np
import torch

ARCHIVE = "python_stdlib_3.11.7.zip"
PYTHON_VERSION = "3.11.7"
PAD, UNKNOWN = 0, 1
CHARACTERS = "\t\n" + "".join(chr(c) for c in range(32, 127))
SYMBOLS = ["<pad>", "<unk>", *CHARACTERS]  # index -> what it stands for
VOCAB_SIZE = len(SYMBOLS)
_INDEX = {c: k + 2 for k, c in enumerate(CHARACTERS)}
SPLITS = ("train", "validation", "test")


def split_of(name: str) -> str:
    """Which split a file (or a documentation topic) belongs to: test for a tenth of them,
    validation for another tenth, train for the rest, by a hash of the name."""
    bucket = zlib.crc32(name.encode()) % 10
    return "test" if bucket == 0 else "validation" if bucket == 1 else "train"


def _check_split(split: str) -> str:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    return split


@cache
def _archive_bytes() -> dict[str, bytes]:
    with resources.files("lstm_tutorial.datasets").joinpath(ARCHIVE).open("rb") as raw:
        with zipfile.ZipFile(raw) as archive:
            return {name: archive.read(name) for name in archive.namelist()}


def module_names() -> list[str]:
    """The 168 top-level modules, sorted: ``["__future__.py", ...]``."""
    return sorted(n for n in _archive_bytes() if n.endswith(".py") and "/" not in n)


def module_source(name: str) -> str:
    files = _archive_bytes()
    if name not in files:
        raise ValueError(f"no module {name!r} in {ARCHIVE}; it holds e.g. {module_names()[:3]}")
    return files[name].decode("utf-8")


def licence() -> str:
    """The licence the files are distributed under (the PSF License Agreement, with CPython's
    history and the licences of the code it includes), as shipped in the archive."""
    return _archive_bytes()["LICENSE.txt"].decode("utf-8")


def files(split: str) -> list[str]:
    """The modules of one split, sorted."""
    _check_split(split)
    return [n for n in module_names() if split_of(n) == split]


def _as_joined(name: str) -> str:
    """A module as ``source_text`` joins it: its text, then one empty line."""
    return module_source(name).rstrip("\n") + "\n\n"


def source_text(split: str) -> str:
    """The modules of one split joined into one stream of text, each ending in a newline."""
    return "".join(_as_joined(n) for n in files(split))


def file_starts(split: str) -> list[int]:
    """Where each module of one split (in the order of ``files``) starts in ``source_text``: to
    tell, of a position in the stream, which file it is in."""
    starts, at = [], 0
    for name in files(split):
        starts.append(at)
        at += len(_as_joined(name))
    return starts


@cache
def documentation() -> dict[str, str]:
    """The language reference's topics as ``help()`` shows them: ``{"if": "The \"if\" ...", ...}``."""
    source = _archive_bytes()["pydoc_data/topics.py"].decode("utf-8")
    return ast.literal_eval(source.split("topics = ", 1)[1])


@cache
def _table() -> np.ndarray:
    table = np.full(0x110000, UNKNOWN, dtype=np.int64)  # every code point Unicode has
    for c, k in _INDEX.items():
        table[ord(c)] = k
    return table


def encode(text: str) -> torch.Tensor:
    """Characters as a 1-D long tensor of vocabulary indices (1 for one outside it)."""
    if not isinstance(text, str):
        raise ValueError(f"encode expected a str, got {type(text).__name__}")
    code_points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return torch.from_numpy(_table()[code_points])


def decode(indices) -> str:
    """The text of vocabulary indices; padding is dropped, an unknown character shows as '¿'."""
    out = []
    for k in torch.as_tensor(indices).tolist():
        if not 0 <= k < VOCAB_SIZE:
            raise ValueError(f"decode expected indices between 0 and {VOCAB_SIZE - 1}, got {k}")
        if k != PAD:
            out.append("¿" if k == UNKNOWN else SYMBOLS[k])
    return "".join(out)


def _keep(line: str, longest: int) -> bool:
    return 2 <= len(line) <= longest and not line.isspace()


@cache
def _lines_of(split: str, longest: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every line of 2 to ``longest`` characters of the files, and of the topics, of ``split``."""
    code = [line for n in files(split) for line in module_source(n).splitlines() if _keep(line, longest)]
    docs = [line for topic, text in sorted(documentation().items()) if split_of(topic) == split
            for line in text.splitlines() if _keep(line, longest)]
    return tuple(code), tuple(docs)


def split_lines(split: str, *, longest: int = 80, unseen: bool = True) -> tuple[list[str], list[str]]:
    """The lines ``line_dataset`` draws from: ``(code, documentation)``, every line of 2 to ``longest``
    characters of the modules, and of the reference's topics, of ``split``, in order. With ``unseen``
    (the default), a line whose text occurs in an earlier split (of either kind: train before
    validation, train and validation before test) is left out, so that no held-out line is a
    line that was trained on; ``unseen=False`` gives them all."""
    _check_split(split)
    code, docs = _lines_of(split, longest)
    if not unseen:
        return list(code), list(docs)
    seen = {line for earlier in SPLITS[: SPLITS.index(split)] for kind in _lines_of(earlier, longest)
            for line in kind}
    return [line for line in code if line not in seen], [line for line in docs if line not in seen]


def line_dataset(split: str, per_class: int, *, longest: int = 80, seed: int = 0):
    """Lines of real text and where they come from: 0 for a line of a standard-library module,
    1 for a line of the language reference. ``per_class`` lines of each kind, of 2 to
    ``longest`` characters, drawn with ``seed`` from the files (or topics) of ``split`` and
    shuffled together; a validation or test line never has the text of a line of an earlier
    split (``split_lines``). Returns ``(lines, labels)``: a list of str and a long tensor."""
    code, docs = split_lines(split, longest=longest)
    if per_class > min(len(code), len(docs)):
        raise ValueError(f"line_dataset({split!r}) has {len(code)} code lines and {len(docs)} documentation lines "
                         f"of 2 to {longest} characters; per_class={per_class} is more than that")
    rng = random.Random(seed)
    drawn = [(line, 0) for line in rng.sample(code, per_class)] + [(line, 1) for line in rng.sample(docs, per_class)]
    rng.shuffle(drawn)
    return [line for line, _ in drawn], torch.tensor([label for _, label in drawn])
