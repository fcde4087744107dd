"""Loading the book's real series, with its gaps handled in the open."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import torch

# Inside the package, so a non-editable install (Colab, Binder) carries its data.
DATA_DIR = Path(__file__).resolve().parent.parent / "datasets"
CO2_FILE = "co2_mauna_loa_weekly.csv"
MISSING = ("error", "interpolate", "keep")


def load_co2(path: str | Path | None = None, missing: str = "error"):
    """The weekly Mauna Loa CO2 series (Keeling & Whorf 2004): ``dates`` (a list of
    ``datetime.date``), ``co2`` (a float64 tensor, ppmv) and ``filled`` (a bool tensor,
    True where a value was missing).

    The file has weeks without a measurement. ``missing`` says what to do with them, and
    there is no silent default: ``"error"`` raises a ValueError that counts them and names
    the first; ``"interpolate"`` fills each gap on the straight line between its
    neighbours; ``"keep"`` leaves NaN in place (anything downstream that refuses NaN, such
    as ``sliding_windows``, will then say so).
    """
    if missing not in MISSING:
        raise ValueError(f"missing must be one of {MISSING}, got {missing!r}")
    path = Path(path) if path is not None else DATA_DIR / CO2_FILE
    if not path.is_file():
        raise ValueError(f"load_co2 expected the data file at {path}, but there is no such file")
    dates, values = [], []
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            d = row["date"]
            dates.append(date(int(d[:4]), int(d[4:6]), int(d[6:8])))
            values.append(float(row["co2"]) if row["co2"].strip() else float("nan"))
    co2 = torch.tensor(values, dtype=torch.float64)
    filled = torch.isnan(co2)
    if filled.any() and missing == "error":
        first = dates[int(filled.nonzero()[0])]
        raise ValueError(
            f"load_co2: expected a value for every week, got {int(filled.sum())} weeks without one "
            f"(the first on {first.isoformat()}); pass missing='interpolate' or missing='keep'"
        )
    if filled.any() and missing == "interpolate":
        co2 = _interpolate(co2, filled)
    return dates, co2, filled


def _interpolate(values: torch.Tensor, gaps: torch.Tensor) -> torch.Tensor:
    known = (~gaps).nonzero().flatten()
    if gaps[0] or gaps[-1]:
        raise ValueError("cannot interpolate a gap at the start or end of the series")
    out = values.clone()
    for k in gaps.nonzero().flatten().tolist():
        right = int(known[torch.searchsorted(known, k)])
        left = int(known[torch.searchsorted(known, k) - 1])
        w = (k - left) / (right - left)
        out[k] = (1 - w) * values[left] + w * values[right]
    return out
