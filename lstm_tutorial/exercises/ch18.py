"""Checkers for the exercises of chapter 18 (time steps and batches)."""

from __future__ import annotations

from ._harness import case, check_function, guarded

__all__ = ["check_window_shapes"]


def _window_shapes(series_shape, time_step, *, count=lambda n, t: n - t, keep_features=True, add_features=False,
                   features_before_time=False):
    n = series_shape[0]
    windows = count(n, time_step)
    features = tuple(series_shape[1:]) if keep_features else ()
    if add_features and not features:
        features = (1,)
    window = (*features, time_step) if features_before_time else (time_step, *features)
    return (windows, *window), (windows, *features)


def _cases():
    return [case(*args) for args in [
        ((100,), 30),
        ((100, 3), 30),
        ((31,), 30),
        ((10, 2), 3),
        ((7, 1), 6),
        ((52, 4), 13),
    ]]


_MISTAKES = [
    (lambda *a: _window_shapes(*a, count=lambda n, t: n - t + 1),
     "N - time_step + 1 windows: the last window of the series has no value after it to predict, "
     "so there are N - time_step"),
    (lambda *a: _window_shapes(*a, count=lambda n, t: n - t - 1),
     "N - time_step - 1 windows, one too few: window k starts at k = 0, 1, ..., N - time_step - 1"),
    (lambda *a: _window_shapes(*a, count=lambda n, t: n // t),
     "non-overlapping windows (N // time_step): the windows overlap, each one the previous shifted by "
     "one step"),
    (lambda *a: _window_shapes(*a, keep_features=False),
     "the feature axis dropped: a 2-D series keeps it, X is (windows, time_step, features) and y is "
     "(windows, features)"),
    (lambda *a: _window_shapes(*a, add_features=True),
     "a feature axis added to a 1-D series: sliding_windows keeps the series' own axes (the chapter "
     "adds the LSTM's feature axis later, with unsqueeze(-1))"),
    (lambda *a: _window_shapes(*a, features_before_time=True),
     "X as (windows, features, time_step): each window keeps the series' layout, time before features"),
]


@guarded
def check_window_shapes(window_shapes) -> bool:
    """Check ``window_shapes(series_shape, time_step) -> (X_shape, y_shape)``: the shapes of what
    ``lt.sliding_windows`` returns for a series of shape ``(N,)`` or ``(N, features)``, N > time_step."""
    return check_function(
        window_shapes,
        _window_shapes,
        _cases(),
        name="window_shapes",
        outputs=("the shape of X", "the shape of y"),
        mistakes=_MISTAKES,
    )
