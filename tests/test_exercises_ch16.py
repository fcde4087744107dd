"""The checkers of chapter 16's exercises accept the answers and name the typical mistakes."""

import pytest
import torch
from torch import nn

import lstm_tutorial as lt
from lstm_tutorial.exercises import ch16

# -- ex-keras-like ----------------------------------------------------------------------------------------


def keras_like(lstm, x, return_sequences=False, return_state=False):
    output, (h_n, c_n) = lstm(x)
    result = output if return_sequences else output[:, -1]
    if return_state:
        return [result, h_n[-1], c_n[-1]]
    return result


def from_the_states(lstm, x, return_sequences=False, return_state=False):
    """Another right answer: h_n[0] is the last step for one layer, and a tuple is as good as a list."""
    output, (h_n, c_n) = lstm(x)
    result = output if return_sequences else h_n[0]
    return (result, h_n[0], c_n[0]) if return_state else result


def check_keras(fn, capsys):
    ok = lt.exercises.check_keras_like(fn)
    return ok, capsys.readouterr().out


def test_the_keras_answers_pass(capsys):
    for answer in (keras_like, from_the_states):
        ok, out = check_keras(answer, capsys)
        assert ok and out.startswith("✓"), out


def test_the_keras_starter_is_not_implemented(capsys):
    def starter(lstm, x, return_sequences=False, return_state=False):
        raise NotImplementedError

    ok, out = check_keras(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_batch_and_time_swapped(capsys):
    def wrong(lstm, x, return_sequences=False, return_state=False):
        output, (h_n, c_n) = lstm(x)
        result = output if return_sequences else output[-1]
        return [result, h_n[-1], c_n[-1]] if return_state else result

    ok, out = check_keras(wrong, capsys)
    assert not ok and "should have shape [4, 5], got [7, 5]" in out and "output[-1], the last sequence" in out


def test_h_n_and_c_n_with_their_layer_axis(capsys):
    def wrong(lstm, x, return_sequences=False, return_state=False):
        output, (h_n, c_n) = lstm(x)
        result = output if return_sequences else output[:, -1]
        return [result, h_n, c_n] if return_state else result

    ok, out = check_keras(wrong, capsys)
    assert not ok and "should have shape [4, 5], got [1, 4, 5]" in out and "with their layer axis" in out


def test_the_states_swapped(capsys):
    def wrong(lstm, x, return_sequences=False, return_state=False):
        output, (h_n, c_n) = lstm(x)
        result = output if return_sequences else output[:, -1]
        return [result, c_n[-1], h_n[-1]] if return_state else result

    ok, out = check_keras(wrong, capsys)
    assert not ok and "the states in the order c, h" in out


def test_return_sequences_the_wrong_way_round(capsys):
    def wrong(lstm, x, return_sequences=False, return_state=False):
        return keras_like(lstm, x, not return_sequences, return_state)

    ok, out = check_keras(wrong, capsys)
    assert not ok and "return_sequences read the wrong way round" in out


def test_the_first_step_in_place_of_the_last(capsys):
    def wrong(lstm, x, return_sequences=False, return_state=False):
        output, (h_n, c_n) = lstm(x)
        return output if return_sequences else output[:, 0]

    ok, out = check_keras(wrong, capsys)
    assert not ok and "output[:, 0], the first step" in out


# -- ex-two-layer-bidirectional ---------------------------------------------------------------------------


def lstm_shapes(input_size, hidden_size, num_layers, bidirectional, batch, steps):
    directions = 2 if bidirectional else 1
    state = (num_layers * directions, batch, hidden_size)
    return (batch, steps, directions * hidden_size), state, state


def by_running_it(input_size, hidden_size, num_layers, bidirectional, batch, steps):
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional, batch_first=True)
    output, (h_n, c_n) = lstm(torch.zeros(batch, steps, input_size))
    return output.shape, h_n.shape, c_n.shape  # torch.Size is a tuple


def check_shapes(fn, capsys):
    ok = lt.exercises.check_lstm_shapes(fn)
    return ok, capsys.readouterr().out


def test_the_shape_answers_pass(capsys):
    for answer in (lstm_shapes, by_running_it):
        ok, out = check_shapes(answer, capsys)
        assert ok and out.startswith("✓"), out


def test_the_shape_starter_is_not_implemented(capsys):
    def starter(input_size, hidden_size, num_layers, bidirectional, batch, steps):
        raise NotImplementedError

    ok, out = check_shapes(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_backward_direction_forgotten(capsys):
    def wrong(input_size, hidden_size, num_layers, bidirectional, batch, steps):
        state = (num_layers, batch, hidden_size)
        return (batch, steps, hidden_size), state, state

    ok, out = check_shapes(wrong, capsys)
    assert not ok and "item 2 of the shape of output should be 10, got 5" in out
    assert "the backward direction forgotten" in out


def test_h_n_batch_first(capsys):
    def wrong(input_size, hidden_size, num_layers, bidirectional, batch, steps):
        d = 2 if bidirectional else 1
        state = (batch, num_layers * d, hidden_size)
        return (batch, steps, d * hidden_size), state, state

    ok, out = check_shapes(wrong, capsys)
    assert not ok and "the shape of h_n" in out and "batch_first changes only the input and output" in out


def test_output_time_first(capsys):
    def wrong(input_size, hidden_size, num_layers, bidirectional, batch, steps):
        output, h_n, c_n = lstm_shapes(input_size, hidden_size, num_layers, bidirectional, batch, steps)
        return (steps, batch, output[2]), h_n, c_n

    ok, out = check_shapes(wrong, capsys)
    assert not ok and "output time first" in out


def test_h_n_with_the_features_of_output(capsys):
    def wrong(input_size, hidden_size, num_layers, bidirectional, batch, steps):
        d = 2 if bidirectional else 1
        state = (num_layers * d, batch, d * hidden_size)
        return (batch, steps, d * hidden_size), state, state

    ok, out = check_shapes(wrong, capsys)
    assert not ok and "h_n with output's features" in out


def test_only_two_shapes(capsys):
    ok, out = check_shapes(lambda *args: lstm_shapes(*args)[:2], capsys)
    assert not ok and "should have 3 items (the shape of output, the shape of h_n, the shape of c_n), got 2" in out


# -- both -------------------------------------------------------------------------------------------------


MISTAKES = [(lt.exercises.check_keras_like, m) for m in ch16._KERAS_MISTAKES] + [
    (lt.exercises.check_lstm_shapes, m) for m in ch16._SHAPES_MISTAKES
]


@pytest.mark.parametrize(("check", "mistake"), MISTAKES, ids=lambda v: v[1][:40] if isinstance(v, tuple) else "")
def test_every_known_mistake_is_named(check, mistake, capsys):
    wrong, phrase = mistake
    assert not check(wrong)
    assert phrase in capsys.readouterr().out


def test_the_keras_checker_leaves_the_global_seed_alone(capsys):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    lt.exercises.check_keras_like(keras_like)
    assert torch.equal(torch.rand(3), expected)
