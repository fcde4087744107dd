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
