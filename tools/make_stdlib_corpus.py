"""Write lstm_tutorial/datasets/python_stdlib_3.11.7.zip: the text of Part V, from a Python 3.11.7.

The corpus is the top-level ``*.py`` files of CPython 3.11.7's standard library, its
``pydoc_data/topics.py`` (the language reference's text, as ``help()`` shows it) and its
licence. It is copied once, into the package, because the files installed on a reader's
machine (Binder, Colab, a laptop) come from other Python versions and would give other
numbers. Members are stored in sorted order with a fixed date, so the archive is the same
bytes every time it is made from the same files.

    python tools/make_stdlib_corpus.py /path/to/python3.11.7/lib/python3.11
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "lstm_tutorial" / "datasets" / "python_stdlib_3.11.7.zip"
DATE = (2023, 12, 4, 0, 0, 0)  # CPython 3.11.7's release day


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.exit(__doc__)
    lib = Path(argv[0])
    if lib.name != "python3.11" or not (lib / "LICENSE.txt").exists():
        sys.exit(f"expected a Python 3.11 standard library folder (.../lib/python3.11), got {lib}")
    members = sorted(p.name for p in lib.glob("*.py"))
    if len(members) != 168:
        sys.exit(f"expected the 168 top-level modules of Python 3.11.7 in {lib}, found {len(members)}")
    members += ["pydoc_data/topics.py", "LICENSE.txt"]
    with zipfile.ZipFile(OUT, "w") as archive:
        for name in members:
            info = zipfile.ZipInfo(name, date_time=DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (lib / name).read_bytes(), compresslevel=9)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(members)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
