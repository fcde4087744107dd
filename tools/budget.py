"""Run every chapter in a fresh kernel under /usr/bin/time -v; report wall time and peak memory.

A benchmark, not a test: it prints a table (and writes it to reports/budget.md) for the
budgets of the book (each chapter <= 60 s and <= 1.5 GB on a 2-core machine). Peak memory is
the largest resident set of the runner and its kernel (GNU time reports the maximum over the
process and the children it waited for).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"


def measure(notebook: Path) -> tuple[float, float]:
    result = subprocess.run(
        [TIME, "-v", sys.executable, str(ROOT / "tools" / "run_notebook.py"), str(notebook)],
        cwd=ROOT, capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.exit(f"{notebook.name} failed:\n{result.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.+)", result.stderr).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60**k for k, p in enumerate(reversed(parts)))
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return seconds, peak_kb / 1024


def main() -> None:
    if not os.path.exists(TIME):
        sys.exit(f"{TIME} is missing: install GNU time (Debian package 'time')")
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    rows = ["| chapter | wall time (s) | peak memory (MB) |", "| --- | ---: | ---: |"]
    for nb in chapters:
        seconds, mb = measure(nb)
        flag = "" if seconds <= 60 and mb <= 1536 else "  **over budget**"
        rows.append(f"| {nb.stem} | {seconds:.1f} | {mb:.0f} |{flag}")
        print(rows[-1], flush=True)
    table = "\n".join(rows)
    out = ROOT / "reports" / "budget.md"
    out.parent.mkdir(exist_ok=True)
    cpus = os.cpu_count()
    out.write_text(
        f"# Chapter budgets\n\nMeasured by `make budget` on a {cpus}-core machine, each chapter in a fresh "
        f"kernel (kernel start-up included).\n\n{table}\n"
    )
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
