import math

import pytest
import torch

from lstm_tutorial import sliding_windows
from lstm_tutorial.data import load_co2


def test_missing_weeks_are_never_passed_on_silently():
    with pytest.raises(ValueError, match=r"got 59 weeks without one \(the first on 1958-05-10\)"):
        load_co2()
    dates, co2, filled = load_co2(missing="keep")
    assert len(dates) == 2284 and int(filled.sum()) == 59 and torch.isnan(co2).sum() == 59
    with pytest.raises(ValueError, match="without NaN"):
        sliding_windows(co2, 30)


def test_interpolation_fills_on_the_straight_line():
    dates, co2, filled = load_co2(missing="interpolate")
    assert not torch.isnan(co2).any() and int(filled.sum()) == 59
    # 1958-05-10 lies between 316.9 (05-03) and 317.5 (05-17)
    k = dates.index(__import__("datetime").date(1958, 5, 10))
    assert filled[k] and math.isclose(co2[k].item(), (316.9 + 317.5) / 2)
    kept = load_co2(missing="keep")[1]
    assert torch.equal(co2[~filled], kept[~filled])
    assert dates[0].isoformat() == "1958-03-29" and dates[-1].isoformat() == "2001-12-29"


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="missing must be one of"):
        load_co2(missing="drop")
    with pytest.raises(ValueError, match=r"expected the data file at .*nowhere.csv, but there is no such file"):
        load_co2(tmp_path / "nowhere.csv")


def test_an_installed_package_carries_its_data_and_checkers(tmp_path):
    """Colab and Binder install the package without the repository around it: the wheel
    must hold the data file and the exercise checkers."""
    import shutil
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    src = tmp_path / "src"
    shutil.copytree(root / "lstm_tutorial", src / "lstm_tutorial", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(root / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(src)],
                   check=True, capture_output=True)
    names = zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist()
    assert "lstm_tutorial/datasets/co2_mauna_loa_weekly.csv" in names
    assert "lstm_tutorial/datasets/README.md" in names
    assert "lstm_tutorial/exercises/_harness.py" in names
    assert "lstm_tutorial/exercises/ch10.py" in names
