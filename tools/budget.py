"""Run every chapter in a fresh kernel under /usr/bin/time -v; report wall time and peak memory.

A benchmark, not a test: it prints a table (and writes it to reports/budget.md) for the
budgets of the book: each chapter <= 60 s and <= 1.5 GB on a 2-core machine, and <= 30 s on
ONE core, the size of a Binder pod. The one-core time is measured with the chapter and its
kernel pinned to a single CPU (``taskset -c 0``); ``--two-cores-only`` skips it. Peak memory
is the largest resident set of the runner and its kernel (GNU time reports the maximum over
the process and the children it waited for). The load average before each run is recorded:
a busy machine slows every chapter, and the table says how busy it was.

    python tools/budget.py [--two-cores-only] [chapter-number ...]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"


def measure(notebook: Path, one_core: bool = False) -> tuple[float, float]:
    pin = ["taskset", "-c", "0"] if one_core else []
    result = subprocess.run(
        [*pin, TIME, "-v", sys.executable, str(ROOT / "tools" / "run_notebook.py"), str(notebook)],
        cwd=ROOT, capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.exit(f"{notebook.name} failed:\n{result.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.+)", result.stderr).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60**k for k, p in enumerate(reversed(parts)))
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return seconds, peak_kb / 1024


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    one_core = "--two-cores-only" not in argv
    wanted = {int(a) for a in argv if a.isdigit()}
    if not os.path.exists(TIME):
        sys.exit(f"{TIME} is missing: install GNU time (Debian package 'time')")
    if one_core and shutil.which("taskset") is None:
        sys.exit("taskset is missing (Debian package util-linux): run with --two-cores-only")
    chapters = [nb for nb in sorted((ROOT / "chapters").glob("*.ipynb"))
                if not wanted or int(nb.stem[:2]) in wanted]
    header = "| chapter | wall time, 2 cores (s) | wall time, 1 core (s) | peak memory (MB) | load before |"
    rows = [header, "| --- | ---: | ---: | ---: | ---: |"]
    for nb in chapters:
        load = os.getloadavg()[0]
        seconds, mb = measure(nb)
        single = measure(nb, one_core=True)[0] if one_core else None
        flags = []
        if seconds > 60 or mb > 1536:
            flags.append("**over budget**")
        if single is not None and single > 30:
            flags.append("over the one-core aim")
        shown = f"{single:.1f}" if single is not None else "-"
        rows.append(f"| {nb.stem} | {seconds:.1f} | {shown} | {mb:.0f} | {load:.1f} |"
                    + (f"  {', '.join(flags)}" if flags else ""))
        print(rows[-1], flush=True)
    if wanted:  # a few chapters: printed, the report of the whole book is left as it is
        return
    table = "\n".join(rows)
    out = ROOT / "reports" / "budget.md"
    out.parent.mkdir(exist_ok=True)
    cpus = os.cpu_count()
    out.write_text(
        f"# Chapter budgets\n\nMeasured by `make budget` on a {cpus}-core machine, each chapter in a fresh "
        "kernel (kernel start-up included), then again pinned to one CPU (`taskset -c 0`, a Binder pod's "
        "size). Budgets: 60 s and 1.5 GB on two cores; the aim on one core is 30 s. The book's chapters "
        "train on one thread (`lt.reproducible`), so the two times differ mostly by the kernel's start-up "
        "and by what else the machine is doing: the last column is the load average (over a minute) "
        "before the chapter ran.\n\n"
        f"{table}\n"
    )
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
