"""Execute every chapter again and compare its text outputs with the book build's run.

`make book` executes each chapter and keeps the executed copy in _build/jupyter_execute.
This runs each chapter once more, in a fresh kernel, and checks that every cell printed the
same text (word for word: white space is folded, see ``text_outputs``) and returned the same
values: the numbers in the prose cannot drift between runs.
Images are compared by kind only (their bytes may differ in metadata). Exits 1 and names
the chapter, the cell and the first differing line when a rerun differs.

One kind of output cannot repeat: a measured time. A cell that times something carries the
tag ``timing``; its printed text is not compared (its glued values are compared, except
those named ``timing_*``). Such a cell must print or glue nothing else the prose relies on,
and any claim the text draws from it must be asserted in the cell with a margin.

    python tools/determinism.py [chapters/NN_x.ipynb ...]
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import sys
from pathlib import Path

import nbclient
import nbformat
from myst_nb.core.utils import coalesce_streams

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "_build" / "jupyter_execute" / "chapters"
ADDRESS = re.compile(r" at 0x[0-9a-f]+")
TIMING_TAG = "timing"
TIMING_GLUE = "timing_"


def is_timing(cell) -> bool:
    return TIMING_TAG in cell.get("metadata", {}).get("tags", [])


def _drop_merged_leftovers(outputs: list) -> list:
    """myst-nb merges every stream output of a cell into the first output of the same name
    (stdout with stdout, stderr with stderr, wherever they are in the cell), in place, and the
    executed copy it keeps still holds the others. Drop those others where the first output
    already ends with them."""
    first: dict[str, int] = {}
    later: dict[str, list[int]] = {}
    for k, out in enumerate(outputs):
        if out["output_type"] == "stream":
            if out["name"] in first:
                later.setdefault(out["name"], []).append(k)
            else:
                first[out["name"]] = k
    dropped = set()
    for name, ks in later.items():
        tail = "".join(outputs[k]["text"].rstrip() + "\n" for k in ks if outputs[k]["text"].rstrip())
        if outputs[first[name]]["text"].endswith(tail):
            dropped.update(ks)
    return [out for k, out in enumerate(outputs) if k not in dropped]


def text_outputs(cell, built: bool = False) -> list[str]:
    """What a reader sees of a cell's outputs, as text. Streams are merged as myst-nb merges
    them for the book (``coalesce_streams``), so that how the kernel happened to split its
    printing into messages does not count as a change. ``built=True`` for the book build's
    executed copy, where myst-nb has merged them already (see ``_drop_merged_leftovers``)."""
    outputs = [copy.deepcopy(out) for out in cell.get("outputs", [])
               if "scrapbook" not in out.get("metadata", {})]  # glued values: see .glue.json
    if built:
        outputs = _drop_merged_leftovers(outputs)
    streams, rest = {}, []
    for out in coalesce_streams(outputs):
        kind = out["output_type"]
        if kind == "stream":
            # Compared by its words, with white space folded: the kernel sends a cell's printing
            # in as many messages as its flush timer happens to cut, and coalesce_streams strips
            # each message's trailing white space, so one `print` split between its text and its
            # newline comes back with an extra blank line. Every number and word still counts.
            streams[out["name"]] = " ".join(out["text"].split())
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            images = sorted(k for k in data if k.startswith("image/"))
            text = data.get("text/plain", "")
            rest.append(f"{kind}: {ADDRESS.sub(' at 0x…', text)} {images}")
        elif kind == "error":
            rest.append(f"error: {out['ename']}: {out['evalue']}")
    return [f"{name}: {text}" for name, text in sorted(streams.items())] + rest


def glued(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """The values a chapter glues into its prose, by name, as text."""
    values = {}
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            record = out.get("metadata", {}).get("scrapbook")
            if record:
                values[record["name"]] = out["data"].get(record["mime_prefix"] + "text/plain", "")
    return values


def built_glue(path: Path) -> dict[str, str]:
    """The glued values myst-nb kept from the book build."""
    data = json.loads(path.read_text()) if path.exists() else {}
    return {name: out.get("data", {}).get("text/plain", "") for name, out in data.items()}


def rerun(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return notebook


def first_difference(before: list[str], after: list[str], context: int = 6) -> str:
    """Where two cells' outputs first differ, word by word, with a few words either side."""
    words_a, words_b = " | ".join(before).split(), " | ".join(after).split()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).get_opcodes():
        if tag != "equal":
            was = " ".join(words_a[max(0, i1 - context):i2 + context])
            now = " ".join(words_b[max(0, j1 - context):j2 + context])
            return f"was ...{was}... / now ...{now}..."
    return "the outputs differ in kind or order"


def compare(name: str, first: nbformat.NotebookNode, second: nbformat.NotebookNode) -> list[str]:
    code_a = [c for c in first.cells if c.cell_type == "code"]
    code_b = [c for c in second.cells if c.cell_type == "code"]
    if [c.source for c in code_a] != [c.source for c in code_b]:
        return [f"{name}: the built copy is of a different version of the chapter; run `make book` first"]
    problems = []
    for number, (a, b) in enumerate(zip(code_a, code_b, strict=True), start=1):
        if is_timing(a):
            continue
        out_a, out_b = text_outputs(a, built=True), text_outputs(b)
        if out_a != out_b:
            first_line = a.source.splitlines()[0] if a.source else ""
            problems.append(f"{name}, code cell {number} ({first_line!r}): " + first_difference(out_a, out_b))
    return problems


def main(argv: list[str]) -> int:
    chapters = [Path(p) for p in argv] or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    problems = []
    for path in chapters:
        built = BUILT / path.name
        if not built.exists():
            problems.append(f"{path.name}: no executed copy in {BUILT}; run `make book` first")
            continue
        again = rerun(path)
        found = compare(path.name, nbformat.read(built, as_version=4), again)
        before, after = built_glue(built.with_suffix(".glue.json")), glued(again)
        found += [f"{path.name}: glued {k!r} was {before.get(k)!r}, now {after.get(k)!r}"
                  for k in sorted(set(before) | set(after))
                  if before.get(k) != after.get(k) and not k.startswith(TIMING_GLUE)]
        print(f"{path.name}: {'same outputs' if not found else f'{len(found)} cells differ'}", flush=True)
        problems += found
    if problems:
        print("\nNot deterministic:\n" + "\n".join(problems))
        return 1
    print(f"\nAll {len(chapters)} chapters gave the same text outputs on a second run.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
