import numpy as np
import pytest
import torch

from lstm_tutorial import sliding_windows


def test_one_dimensional_series():
    series = torch.arange(10.0)
    X, y = sliding_windows(series, 3)
    assert X.shape == (7, 3) and y.shape == (7,)
    assert X[0].tolist() == [0, 1, 2] and y[0] == 3
    assert X[-1].tolist() == [6, 7, 8] and y[-1] == 9
    # every target is the value right after its window
    assert torch.equal(y, X[:, -1] + 1)


@pytest.mark.parametrize("n, time_step", [(31, 30), (100, 30), (5, 1)])
def test_counts(n, time_step):
    X, y = sliding_windows(np.random.default_rng(0).normal(size=n), time_step)
    assert X.shape == (n - time_step, time_step) and y.shape == (n - time_step,)


def test_two_dimensional_series_keeps_features():
    series = torch.arange(20.0).reshape(10, 2)
    X, y = sliding_windows(series, 4)
    assert X.shape == (6, 4, 2) and y.shape == (6, 2)
    assert torch.equal(X[2], series[2:6]) and torch.equal(y[2], series[6])


def test_windows_do_not_alias_the_series():
    series = torch.arange(10.0)
    X, y = sliding_windows(series, 3)
    X[0, 0] = 100.0
    assert series[0] == 0


@pytest.mark.parametrize("n", [3, 2])
def test_window_as_long_as_the_series(n):
    with pytest.raises(ValueError, match=rf"longer than time_step=3 .* got a series of length {n}"):
        sliding_windows(torch.zeros(n), 3)


def test_nan_is_refused_with_its_place():
    series = torch.arange(10.0)
    series[4] = float("nan")
    with pytest.raises(ValueError, match=r"without NaN, got 1 row\(s\) with NaN \(first at index 4\)"):
        sliding_windows(series, 3)


@pytest.mark.parametrize("time_step", [0, -2, 1.5, "3"])
def test_bad_time_step(time_step):
    with pytest.raises(ValueError, match="time_step must be a positive int"):
        sliding_windows(torch.zeros(10), time_step)


def test_three_dimensional_series():
    with pytest.raises(ValueError, match=r"1-D series \(N,\) or a 2-D series \(N, features\), got shape \(2, 3, 4\)"):
        sliding_windows(torch.zeros(2, 3, 4), 1)
