"""The checker of chapter 18's exercise accepts the answer and names the typical mistakes."""

import pytest
import torch

import lstm_tutorial as lt
from lstm_tutorial.exercises import ch18


def window_shapes(series_shape, time_step):
    windows = series_shape[0] - time_step
    features = tuple(series_shape[1:])
    return (windows, time_step, *features), (windows, *features)


def by_cutting(series_shape, time_step):
    """Another right answer: cut a series of that shape and look."""
    X, y = lt.sliding_windows(torch.zeros(series_shape), time_step)
    return X.shape, y.shape


def check(fn, capsys):
    ok = lt.exercises.check_window_shapes(fn)
    return ok, capsys.readouterr().out


def test_the_answers_pass(capsys):
    for answer in (window_shapes, by_cutting):
        ok, out = check(answer, capsys)
        assert ok and out.startswith("✓"), out


def test_the_starter_is_not_implemented(capsys):
    def starter(series_shape, time_step):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_one_window_too_many(capsys):
    def wrong(series_shape, time_step):
        windows = series_shape[0] - time_step + 1
        features = tuple(series_shape[1:])
        return (windows, time_step, *features), (windows, *features)

    ok, out = check(wrong, capsys)
    assert not ok and "should be 70, got 71" in out
    assert "the last window of the series has no value after it to predict" in out


def test_non_overlapping_windows(capsys):
    def wrong(series_shape, time_step):
        windows = series_shape[0] // time_step
        features = tuple(series_shape[1:])
        return (windows, time_step, *features), (windows, *features)

    ok, out = check(wrong, capsys)
    assert not ok and "the windows overlap" in out


def test_the_feature_axis_dropped(capsys):
    def wrong(series_shape, time_step):
        windows = series_shape[0] - time_step
        return (windows, time_step), (windows,)

    ok, out = check(wrong, capsys)
    assert not ok and "on input 2 of 6" in out and "the feature axis dropped" in out


def test_the_layout_of_unfold(capsys):
    def wrong(series_shape, time_step):
        X = torch.zeros(series_shape).unfold(0, time_step, 1)[:-1]  # no transpose
        return X.shape, (X.shape[0], *series_shape[1:])

    ok, out = check(wrong, capsys)
    assert not ok and "X as (windows, features, time_step)" in out


def test_a_feature_axis_added_to_a_1d_series(capsys):
    def wrong(series_shape, time_step):
        X_shape, y_shape = window_shapes(series_shape, time_step)
        return (X_shape, y_shape) if len(series_shape) == 2 else ((*X_shape, 1), (*y_shape, 1))

    ok, out = check(wrong, capsys)
    assert not ok and "a feature axis added to a 1-D series" in out


@pytest.mark.parametrize("mistake", ch18._MISTAKES, ids=lambda m: m[1][:40])
def test_every_known_mistake_is_named(mistake, capsys):
    wrong, phrase = mistake
    ok, out = check(wrong, capsys)
    assert not ok and phrase in out
