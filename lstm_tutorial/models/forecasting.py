"""Forecasting a series from windows of its past, and the simple forecasts a model must beat.

The windows are those of ``sliding_windows``: row k holds ``time_step`` consecutive values and
is followed by the value to forecast. Each forecast here works on a window *relative to its
last value* (what changes next, not where the series is), which keeps a trend that the
training period never reached from leaving the range a model has seen.

- ``week_of_year`` and ``seasonal_change``: the training period's mean weekly change for each
  week of the year, the "seasonal" baseline's ingredient;
- ``linear_features`` and ``least_squares``: a linear autoregression on the same windows,
  optionally with one term per week of the year;
- ``WindowForecaster``: an LSTM that reads a batch of windows and forecasts the next value;
- ``recursive_forecast``: several steps ahead from a one-step forecast, each forecast fed back
  in as the newest value of the window;
- ``train_early_stopping``: a training loop over a ``DataLoader`` that keeps the weights of
  the epoch with the lowest validation error.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from datetime import date

import torch
from torch import nn

from .._checks import check_size, require_tensor, shape_of

WEEKS = 52


def rmse(prediction, truth) -> float:
    """The root mean squared error of ``prediction`` against ``truth`` (same shape), a float."""
    prediction = require_tensor(prediction, "rmse prediction")
    truth = require_tensor(truth, "rmse truth")
    if prediction.shape != truth.shape:
        raise ValueError(
            f"rmse expected a prediction of the truth's shape {shape_of(truth)}, got {shape_of(prediction)}"
        )
    if prediction.numel() == 0:
        raise ValueError("rmse expected at least one value, got none")
    return (prediction.double() - truth.double()).pow(2).mean().sqrt().item()


def week_of_year(dates: Sequence[date], periods: int = WEEKS) -> torch.Tensor:
    """For each date, which of the ``periods`` seven-day periods of its year it falls in,
    counted from 0 (1 to 7 January is period 0). Day 365, and 366 in a leap year, belong to
    no full period and join the last one. Returns a long tensor of shape (len(dates),)."""
    check_size(periods, "periods")
    days = []
    for d in dates:
        if not isinstance(d, date):
            raise ValueError(f"week_of_year expected datetime.date values, got {type(d).__name__}")
        days.append(d.timetuple().tm_yday - 1)
    return (torch.tensor(days, dtype=torch.long) // 7).clamp(max=periods - 1)


def seasonal_change(change, weeks, periods: int = WEEKS) -> torch.Tensor:
    """The mean of ``change`` for each week of the year: ``change`` (n,) holds the changes to
    average (a training period's weekly changes, say) and ``weeks`` (n,) the week of the year
    of each (``week_of_year``). Returns (periods,); a week with no change to average is a
    ValueError, since no forecast could then be made for it."""
    change = require_tensor(change, "seasonal_change change")
    weeks = require_tensor(weeks, "seasonal_change weeks")
    check_size(periods, "periods")
    if change.dim() != 1 or weeks.shape != change.shape:
        raise ValueError(
            f"seasonal_change expected change (n,) and weeks (n,) of one length, got {shape_of(change)} "
            f"and {shape_of(weeks)}"
        )
    if weeks.dtype in (torch.float16, torch.float32, torch.float64) or weeks.min() < 0 or weeks.max() >= periods:
        raise ValueError(f"seasonal_change expected integer weeks in 0 .. {periods - 1}")
    counts = torch.bincount(weeks, minlength=periods)
    if (counts == 0).any():
        missing = (counts == 0).nonzero().flatten().tolist()
        raise ValueError(f"seasonal_change expected every week of the year among weeks, got none for {missing}")
    sums = torch.zeros(periods, dtype=change.dtype).index_add_(0, weeks, change)
    return sums / counts.to(change.dtype)


def linear_features(windows, weeks=None, periods: int = WEEKS) -> torch.Tensor:
    """The inputs of a linear autoregression on ``windows`` (n, time_step).

    Each window is taken relative to its last value, and that last column (always 0) is left
    out: time_step - 1 columns. Then, without ``weeks``, a column of ones (the mean change);
    with ``weeks`` (n,), the week of the year of the value to forecast, one column per week
    (a mean change for each week of the year, in place of the ones).
    """
    windows = require_tensor(windows, "linear_features windows")
    if windows.dim() != 2 or windows.shape[1] < 1:
        raise ValueError(f"linear_features expected windows of shape (n, time_step), got {shape_of(windows)}")
    relative = (windows - windows[:, -1:])[:, :-1]
    if weeks is None:
        constant = torch.ones(len(windows), 1, dtype=windows.dtype)
    else:
        weeks = require_tensor(weeks, "linear_features weeks")
        if weeks.shape != (len(windows),):
            raise ValueError(
                f"linear_features expected one week per window, shape ({len(windows)},), got {shape_of(weeks)}"
            )
        constant = nn.functional.one_hot(weeks.long(), periods).to(windows.dtype)
    return torch.cat([relative, constant], dim=1)


def least_squares(features, targets) -> torch.Tensor:
    """The weights w that minimise ``|features @ w - targets|^2``: features (n, p), targets
    (n,). Returns (p,)."""
    features = require_tensor(features, "least_squares features")
    targets = require_tensor(targets, "least_squares targets")
    if features.dim() != 2 or targets.shape != (features.shape[0],):
        raise ValueError(
            f"least_squares expected features (n, p) and targets (n,), got {shape_of(features)} and "
            f"{shape_of(targets)}"
        )
    # gelsd (via the SVD) stays exact when a column happens to be constant or repeated
    return torch.linalg.lstsq(features, targets.unsqueeze(1).to(features.dtype), driver="gelsd").solution[:, 0]


def recursive_forecast(step: Callable[[torch.Tensor, int], torch.Tensor], windows, horizon: int) -> torch.Tensor:
    """``horizon`` steps ahead from a one-step forecast.

    ``step(windows, h)`` forecasts the value after each window (n, time_step), returning (n,);
    ``h`` (0, 1, ...) says how many forecasts the windows already contain, for a forecast that
    needs to know which step it is making (the week of the year of its target, say). After
    each step the window slides by one: its oldest value is dropped and the forecast appended.
    Returns (n, horizon): column h is the forecast h + 1 steps after each original window.
    """
    windows = require_tensor(windows, "recursive_forecast windows")
    check_size(horizon, "horizon")
    if windows.dim() != 2:
        raise ValueError(f"recursive_forecast expected windows of shape (n, time_step), got {shape_of(windows)}")
    forecasts = []
    for h in range(horizon):
        nxt = step(windows, h)
        if not isinstance(nxt, torch.Tensor) or nxt.shape != (len(windows),):
            raise ValueError(
                f"recursive_forecast expected step to return shape ({len(windows)},), got "
                f"{shape_of(nxt) if isinstance(nxt, torch.Tensor) else type(nxt).__name__}"
            )
        forecasts.append(nxt)
        windows = torch.cat([windows[:, 1:], nxt.unsqueeze(1).to(windows.dtype)], dim=1)
    return torch.stack(forecasts, dim=1)


class WindowForecaster(nn.Module):
    """An ``nn.LSTM`` that reads each window of a batch, (batch, time_step), and forecasts one
    value after it, (batch,), by a linear read-out of its last hidden state."""

    def __init__(self, hidden_size: int):
        super().__init__()
        self.hidden_size = check_size(hidden_size, "hidden_size")
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        windows = require_tensor(windows, "WindowForecaster windows")
        if windows.dim() != 2 or windows.shape[1] == 0:
            raise ValueError(
                f"WindowForecaster expected windows of shape (batch, time_step), got {shape_of(windows)}"
            )
        outputs, _ = self.lstm(windows.unsqueeze(-1))  # (batch, time_step, 1): one feature
        return self.head(outputs[:, -1])[:, 0]  # from the hidden state after the last step


def train_early_stopping(
    model: nn.Module,
    loader,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    epochs: int,
    validate: Callable[[], float],
    *,
    lr: float = 1e-2,
    clip: float | None = 1.0,
    log_every: int | None = None,
    name: str = "",
) -> dict:
    """Adam over ``loader`` (batches ``(x, y)``) for ``epochs`` passes, clipping the gradient
    norm, and after every epoch ``validate()``: the validation error, lower is better (it runs
    under ``torch.no_grad()``). At the end the model holds the weights of the epoch with the
    lowest validation error, *early stopping*.

    Returns ``{"train": [mean training loss of each epoch], "validation": [validation error
    of each epoch], "best_epoch": the epoch kept (from 1)}``. Progress is printed every
    ``log_every`` epochs (default: five lines per run; 0 for none).
    """
    check_size(epochs, "epochs")
    if log_every is None:
        log_every = max(1, epochs // 5)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train": [], "validation": [], "best_epoch": 0}
    best, best_state = float("inf"), None
    label = f"{name}: " if name else ""
    for epoch in range(1, epochs + 1):
        model.train()
        total, count = 0.0, 0
        for x, y in loader:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            total, count = total + loss.item() * len(x), count + len(x)
        model.eval()
        with torch.no_grad():
            error = float(validate())
        history["train"].append(total / count)
        history["validation"].append(error)
        if error < best:
            best, best_state, history["best_epoch"] = error, copy.deepcopy(model.state_dict()), epoch
        if log_every and (epoch % log_every == 0 or epoch == epochs):
            print(f"{label}epoch {epoch:>3}/{epochs}  training loss {history['train'][-1]:.4f}  "
                  f"validation {error:.4f}", flush=True)
    if best_state is None:
        raise ValueError("train_early_stopping: validate() never returned a finite error")
    model.load_state_dict(best_state)
    return history
