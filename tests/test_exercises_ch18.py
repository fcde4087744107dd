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
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 1, out
    return ok, out


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
    assert not ok and "the shape of X should be (70, 30), got (71, 30)" in out
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
    assert not ok and "on input 2 of 10" in out and "the feature axis dropped" in out


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


def test_right_answers_written_differently_pass(capsys):
    def as_lists(series_shape, time_step):
        n, *features = series_shape
        return [n - time_step, time_step, *features], [n - time_step, *features]

    def by_branching(series_shape, time_step):
        windows = len(range(time_step, series_shape[0]))  # one per value with time_step before it
        if len(series_shape) == 1:
            return (windows, time_step), (windows,)
        return (windows, time_step, series_shape[1]), (windows, series_shape[1])

    def as_sizes(series_shape, time_step):
        return torch.Size([series_shape[0] - time_step, time_step, *series_shape[1:]]), torch.Size(
            [series_shape[0] - time_step, *series_shape[1:]])

    for answer in (as_lists, by_branching, as_sizes):
        ok, out = check(answer, capsys)
        assert ok and out.startswith("✓"), (answer.__name__, out)


def test_wrong_answers_are_refused(capsys):
    def always_features(series_shape, time_step):
        windows = series_shape[0] - time_step
        return (windows, time_step, series_shape[-1]), (windows, series_shape[-1])

    def hard_coded(series_shape, time_step):
        return (70, 30), (70,)

    def swapped(series_shape, time_step):
        return window_shapes(series_shape, time_step)[::-1]

    def window_includes_target(series_shape, time_step):
        return window_shapes(series_shape, time_step + 1)

    def one_per_value(series_shape, time_step):
        windows = series_shape[0] - 1
        return (windows, time_step, *series_shape[1:]), (windows, *series_shape[1:])

    for answer, phrase in [(always_features, "the shape of X should be (70, 30), got (70, 30, 100)"),
                           (hard_coded, "on input 2 of 10"),
                           (swapped, "(y_shape, X_shape) returned in place of (X_shape, y_shape)"),
                           (window_includes_target, "the value to predict is y, not part of the window X"),
                           (one_per_value, "N - 1 windows")]:
        ok, out = check(answer, capsys)
        assert not ok and phrase in out, (answer.__name__, out)


def test_answers_that_crash_or_return_nonsense_get_one_sentence(capsys):
    def two_d_only(series_shape, time_step):
        n, features = series_shape  # fails on (N,)
        return (n - time_step, time_step, features), (n - time_step, features)

    for answer, phrase in [(two_d_only, "window_shapes raised ValueError"),
                           (lambda s, t: None, "got None"),
                           (lambda s, t: ((70, 30),), "should have 2 items"),
                           ("not a function", "should be a function")]:
        ok, out = check(answer, capsys)
        assert not ok and out.startswith("✗") and phrase in out, out


def test_the_cases_separate_the_wrong_counts():
    cases = [c.args for c in ch18._cases()]
    assert any(len(s) == 1 and s[0] == t + 1 for s, t in cases)  # a single window
    assert any(t == 1 for _, t in cases)  # time_step 1
    assert any(len(s) == 2 and s[1] == 1 for s, _ in cases)  # one feature
    assert any(len(s) == 2 and s[1] == t for s, t in cases)  # as many features as steps
    for count in (lambda n, t: n - t + 1, lambda n, t: n - t - 1, lambda n, t: n // t, lambda n, t: n - 1):
        assert any(count(s[0], t) != s[0] - t for s, t in cases)
