"""The forecasting helpers of chapter 18: baselines, linear autoregression, recursive forecasts,
the window LSTM, and early stopping."""

import copy
from datetime import date, timedelta

import pytest
import torch
from torch.nn.functional import mse_loss
from torch.utils.data import DataLoader, TensorDataset

from lstm_tutorial import sliding_windows
from lstm_tutorial.forecasting import (
    WindowForecaster,
    least_squares,
    linear_features,
    recursive_forecast,
    rmse,
    seasonal_change,
    train_early_stopping,
    week_of_year,
)


def test_rmse():
    assert rmse(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0])) == pytest.approx(2**0.5)
    with pytest.raises(ValueError, match="shape"):
        rmse(torch.zeros(3), torch.zeros(2))


@pytest.mark.parametrize(
    "day, week",
    [(date(2001, 1, 1), 0), (date(2001, 1, 7), 0), (date(2001, 1, 8), 1), (date(2001, 12, 24), 51),
     (date(2001, 12, 31), 51), (date(2000, 12, 31), 51), (date(2000, 3, 4), 9)],
)
def test_week_of_year(day, week):
    assert week_of_year([day]).tolist() == [week]


def test_week_of_year_covers_every_week_once_a_year():
    days = [date(1999, 1, 2) + timedelta(weeks=k) for k in range(52)]
    assert sorted(week_of_year(days).tolist()) == list(range(52))
    with pytest.raises(ValueError, match="datetime.date"):
        week_of_year(["2001-01-01"])


def test_seasonal_change_is_the_mean_of_each_week():
    weeks = torch.tensor([0, 1, 0, 2, 1])
    change = torch.tensor([1.0, 2.0, 3.0, 4.0, 6.0], dtype=torch.float64)
    assert seasonal_change(change, weeks, periods=3).tolist() == [2.0, 4.0, 4.0]
    with pytest.raises(ValueError, match=r"none for \[3\]"):
        seasonal_change(change, weeks, periods=4)
    with pytest.raises(ValueError, match="one length"):
        seasonal_change(change[:4], weeks)


def test_linear_features():
    windows = torch.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 5.0]], dtype=torch.float64)
    plain = linear_features(windows)
    assert plain.tolist() == [[-3.0, -2.0, 1.0], [-2.0, -2.0, 1.0]]
    with_week = linear_features(windows, torch.tensor([1, 3]), periods=4)
    assert with_week.shape == (2, 2 + 4)
    assert with_week[:, 2:].tolist() == [[0, 1, 0, 0], [0, 0, 0, 1]]
    with pytest.raises(ValueError, match="one week per window"):
        linear_features(windows, torch.tensor([1]))


def test_least_squares_recovers_exact_weights():
    gen = torch.Generator().manual_seed(0)
    features = torch.randn(50, 4, generator=gen, dtype=torch.float64)
    w = torch.tensor([0.5, -1.0, 2.0, 0.25], dtype=torch.float64)
    torch.testing.assert_close(least_squares(features, features @ w), w)
    # a constant column next to one-hot weeks (rank-deficient) still fits exactly
    redundant = torch.cat([features, torch.ones(50, 1, dtype=torch.float64)], dim=1)
    fitted = least_squares(redundant, features @ w + 3)
    torch.testing.assert_close(redundant @ fitted, features @ w + 3)


def test_an_autoregression_fitted_on_windows_of_an_exact_ar_process():
    # x_t = x_{t-1} + 0.5 (x_{t-1} - x_{t-2}) + 0.1: a change that depends on the last change
    x = [0.0, 1.0]
    for _ in range(60):
        x.append(x[-1] + 0.5 * (x[-1] - x[-2]) + 0.1)
    X, y = sliding_windows(torch.tensor(x, dtype=torch.float64), 3)
    w = least_squares(linear_features(X), y - X[:, -1])
    torch.testing.assert_close(X[:, -1] + linear_features(X) @ w, y)


def test_recursive_forecast_slides_the_window():
    windows = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    seen = []

    def step(w, h):
        seen.append((h, w.clone()))
        return w[:, -1] + w[:, 0]  # depends on the oldest value too

    out = recursive_forecast(step, windows, 3)
    assert out.tolist() == [[4.0, 6.0, 9.0], [5.0, 5.0, 10.0]]
    assert [h for h, _ in seen] == [0, 1, 2]
    assert seen[1][1].tolist() == [[2.0, 3.0, 4.0], [0.0, 5.0, 5.0]]
    assert torch.equal(windows, torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]]))  # unchanged
    with pytest.raises(ValueError, match="return shape"):
        recursive_forecast(lambda w, h: w, windows, 2)


def test_window_forecaster_is_an_lstm_with_a_readout_of_its_last_step():
    torch.manual_seed(0)
    model = WindowForecaster(5)
    windows = torch.randn(4, 7)
    out, _ = model.lstm(windows.unsqueeze(-1))
    torch.testing.assert_close(model(windows), model.head(out[:, -1])[:, 0])
    assert model(windows[:1]).shape == (1,)
    with pytest.raises(ValueError, match=r"\(batch, time_step\)"):
        model(windows.unsqueeze(-1))


def test_early_stopping_keeps_the_best_epoch():
    torch.manual_seed(0)
    model = WindowForecaster(3)
    data = DataLoader(TensorDataset(torch.randn(20, 5), torch.randn(20)), batch_size=10)
    scripted = iter([3.0, 1.0, 2.0, 5.0])
    states = []

    def validate():
        states.append(copy.deepcopy(model.state_dict()))
        return next(scripted)

    history = train_early_stopping(model, data, mse_loss, 4, validate, log_every=0)
    assert history["best_epoch"] == 2 and history["validation"] == [3.0, 1.0, 2.0, 5.0]
    assert len(history["train"]) == 4
    for key, value in model.state_dict().items():
        assert torch.equal(value, states[1][key]), key
    assert not torch.equal(states[1]["head.weight"], states[3]["head.weight"])


def test_early_stopping_needs_a_finite_error(capsys):
    model = WindowForecaster(2)
    data = DataLoader(TensorDataset(torch.randn(4, 3), torch.randn(4)), batch_size=2)
    with pytest.raises(ValueError, match="finite"):
        train_early_stopping(model, data, mse_loss, 2, lambda: float("nan"))
    assert "epoch   2/2" in capsys.readouterr().out
