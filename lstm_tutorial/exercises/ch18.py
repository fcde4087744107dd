"""Checkers for the exercises of chapter 18 (time steps and batches)."""

from __future__ import annotations

from ._harness import case, check_function, guarded

__all__ = ["check_window_shapes"]


class _Shape:
    """A shape that equals any sequence of the same whole numbers (a tuple, a list, a torch.Size),
    and prints as a tuple, so that a wrong shape reads "should be (70, 30), got (70, 30, 3)"."""

    __hash__ = None

    def __init__(self, dims):
        self.dims = tuple(dims)

    def __eq__(self, other):
        if isinstance(other, _Shape):
            return self.dims == other.dims
        if isinstance(other, (str, bytes)) or not hasattr(other, "__len__"):
            return False
        try:
            return len(other) == len(self.dims) and all(
                not isinstance(v, bool) and v == int(v) == d for v, d in zip(other, self.dims, strict=True))
        except (TypeError, ValueError, OverflowError):
            return False

    def __repr__(self):
        return repr(self.dims)


def _window_shapes(series_shape, time_step, *, count=lambda n, t: n - t, keep_features=True, add_features=False,
                   features_before_time=False):
    n = series_shape[0]
    windows = count(n, time_step)
    features = tuple(series_shape[1:]) if keep_features else ()
    if add_features and not features:
        features = (1,)
    window = (*features, time_step) if features_before_time else (time_step, *features)
    return _Shape((windows, *window)), _Shape((windows, *features))


def _cases():
    # the chapter's own sizes first; then sizes where each wrong count differs from N - time_step
    # (N // time_step agrees with it only when N < 2 * time_step), a single window, time_step 1,
    # one feature, and a feature count equal to time_step (so that a transposed X keeps its shape)
    return [case(*args) for args in [
        ((100,), 30),
        ((100, 3), 30),
        ((31,), 30),
        ((10, 2), 3),
        ((7, 1), 6),
        ((52, 4), 13),
        ((2,), 1),
        ((9, 5), 1),
        ((12, 4), 4),
        ((40, 7), 39),
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
    (lambda *a: _window_shapes(*a)[::-1],
     "(y_shape, X_shape) returned in place of (X_shape, y_shape)"),
    (lambda *a: _window_shapes(*a, count=lambda n, t: n - 1),
     "N - 1 windows: each window holds time_step values, so the first target is at index time_step and "
     "there are N - time_step"),
    (lambda s, t: _window_shapes(s, t + 1),
     "windows of time_step + 1 values: the value to predict is y, not part of the window X"),
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
