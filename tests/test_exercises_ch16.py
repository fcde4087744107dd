"""The checkers of chapter 16's exercises accept right answers however they are written, refuse wrong
ones (naming the mistake where they know it), never raise, and print exactly one line."""

import numpy as np
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
        return result, h_n[-1], c_n[-1]
    return result


def as_a_list(lstm, x, return_sequences=False, return_state=False):
    """Keras 2 returned a list: as good as Keras 3's tuple."""
    output, (h_n, c_n) = lstm(x)
    result = output if return_sequences else output[:, -1]
    return [result, h_n[-1], c_n[-1]] if return_state else result


def from_the_states(lstm, x, return_sequences=False, return_state=False):
    """h_n[0] is the last step for one layer."""
    output, (h_n, c_n) = lstm(x)
    result = output if return_sequences else h_n[0]
    return (result, h_n[0], c_n[0]) if return_state else result


def squeezing_the_layer_axis_only(lstm, x, return_sequences=False, return_state=False):
    output, (h_n, c_n) = lstm(x)
    result = output if return_sequences else output.select(1, x.size(1) - 1)
    return (result, h_n.squeeze(0), c_n.squeeze(0)) if return_state else result


def step_by_step(lstm, x, return_sequences=False, return_state=False):
    """One call per step, carrying the state: slower, and just as right."""
    state, steps = None, []
    for t in range(x.shape[1]):
        out, state = lstm(x[:, t : t + 1], state)
        steps.append(out)
    output = torch.cat(steps, dim=1)
    result = output if return_sequences else output[:, -1, :]
    return [result, *(s[-1] for s in state)] if return_state else result


def with_the_books_cell(lstm, x, return_sequences=False, return_state=False):
    output, (h_n, c_n) = lt.unroll(lt.LSTMCell.from_torch(lstm), x)
    result = output if return_sequences else output[:, -1]
    return (result, h_n, c_n) if return_state else result


def in_float32_without_gradients(lstm, x, return_sequences=False, return_state=False):
    with torch.no_grad():
        output, (h_n, c_n) = lstm(x)
    parts = [output if return_sequences else output[:, -1]]
    if return_state:
        parts += [h_n[-1], c_n[-1]]
    parts = [p.float() for p in parts]
    return tuple(parts) if return_state else parts[0]


RIGHT_KERAS = [keras_like, as_a_list, from_the_states, squeezing_the_layer_axis_only, step_by_step,
               with_the_books_cell, in_float32_without_gradients]


def check_keras(fn, capsys):
    ok = lt.exercises.check_keras_like(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return ok, out


@pytest.mark.parametrize("answer", RIGHT_KERAS, ids=lambda f: f.__name__)
def test_right_keras_answers_pass(answer, capsys):
    ok, out = check_keras(answer, capsys)
    assert ok and out.startswith("✓"), out


def _answer(last=lambda o: o[:, -1], states=lambda h, c: (h[-1], c[-1]), squeeze=(), **changes):
    """A keras_like written with one slip."""
    def answer(lstm, x, return_sequences=False, return_state=False):
        output, (h_n, c_n) = lstm(x.transpose(0, 1) if changes.get("transpose") else x)
        if changes.get("flip"):
            return_sequences = not return_sequences
        result = output if return_sequences else last(output)
        if "result" in squeeze:
            result = result.squeeze()
        if return_state and not changes.get("ignore_state"):
            state = states(h_n, c_n)
            if "states" in squeeze:
                state = [s.squeeze() for s in state]
            return [result, *state]
        return [result] if changes.get("wrap") else result
    return answer


# (the answer, a phrase its message must contain)
WRONG_KERAS = {
    "h_n.squeeze()": (_answer(squeeze=("states",)), "`.squeeze()`, which drops every axis of size 1"),
    "output[:, -1].squeeze()": (_answer(squeeze=("result",)), "at batch 1 it removes the batch axis"),
    "squeeze everything": (_answer(squeeze=("result", "states")), "`.squeeze()`"),
    "output[-1]": (_answer(last=lambda o: o[-1]), "output[-1], the last sequence"),
    "output[:, 0]": (_answer(last=lambda o: o[:, 0]), "output[:, 0], the first step"),
    "output[:, -1:]": (_answer(last=lambda o: o[:, -1:]), "keeps a time axis of length 1"),
    "return_sequences flipped": (_answer(flip=True), "return_sequences read the wrong way round"),
    "x transposed": (_answer(transpose=True), "x transposed to (time, batch, features)"),
    "layer axis kept": (_answer(states=lambda h, c: (h, c)), "with their layer axis"),
    "c before h": (_answer(states=lambda h, c: (c[-1], h[-1])), "the states in the order c, h"),
    "only h": (_answer(states=lambda h, c: (h[-1],)), "only the hidden state returned"),
    "nested states": (_answer(states=lambda h, c: ((h[-1], c[-1]),)), "the states nested as PyTorch's pair"),
    "return_state ignored": (_answer(ignore_state=True), "return_state ignored"),
    "one-item list": (_answer(wrap=True), "a one-item list"),
    "the last state of the cell as output": (_answer(last=lambda o: o.mean(1)), "wrong values"),
}


@pytest.mark.parametrize("name", WRONG_KERAS)
def test_wrong_keras_answers_are_refused_and_named(name, capsys):
    answer, phrase = WRONG_KERAS[name]
    ok, out = check_keras(answer, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


def test_a_squeeze_answer_fails_at_batch_1(capsys):
    def wrong(lstm, x, return_sequences=False, return_state=False):
        output, (h_n, c_n) = lstm(x)
        result = output if return_sequences else output[:, -1]
        return [result, h_n.squeeze(), c_n.squeeze()] if return_state else result

    ok, out = check_keras(wrong, capsys)
    assert not ok and "state_h should have shape [1, 3], got [3]" in out and "x of shape [1, 5, 2]" in out


def test_batch_and_time_swapped(capsys):
    ok, out = check_keras(WRONG_KERAS["output[-1]"][0], capsys)
    assert "should have shape [4, 5], got [7, 5]" in out


def test_h_n_and_c_n_with_their_layer_axis(capsys):
    ok, out = check_keras(WRONG_KERAS["layer axis kept"][0], capsys)
    assert "state_h should have shape [4, 5], got [1, 4, 5]" in out


def test_an_answer_that_changes_the_module_is_refused(capsys):
    def wrong(lstm, x, return_sequences=False, return_state=False):
        result = keras_like(lstm, x, return_sequences, return_state)
        nn.init.zeros_(lstm.bias_hh_l0)  # "tidying up" after the call
        return result

    ok, out = check_keras(wrong, capsys)
    assert not ok and "changes lstm (its bias_hh_l0) in place" in out


def test_an_answer_that_changes_x_is_refused(capsys):
    def wrong(lstm, x, return_sequences=False, return_state=False):
        result = keras_like(lstm, x, return_sequences, return_state)
        x.zero_()
        return result

    ok, out = check_keras(wrong, capsys)
    assert not ok and "changes x in place" in out


@pytest.mark.parametrize("returned", [None, "output", 3.0, {"output": 1}, (t for t in ())],
                         ids=["None", "str", "float", "dict", "generator"])
def test_odd_returns_do_not_crash(returned, capsys):
    ok, out = check_keras(lambda lstm, x, return_sequences=False, return_state=False: returned, capsys)
    assert not ok and out.startswith("✗")


def test_numpy_arrays_are_refused_without_a_crash(capsys):
    def wrong(lstm, x, return_sequences=False, return_state=False):
        with torch.no_grad():
            result = keras_like(lstm, x, return_sequences, return_state)
        return [np.asarray(r) for r in result] if return_state else np.asarray(result)

    ok, out = check_keras(wrong, capsys)
    assert not ok and "should be a tensor" in out


def test_the_keras_starter_is_not_implemented(capsys):
    def starter(lstm, x, return_sequences=False, return_state=False):
        raise NotImplementedError

    ok, out = check_keras(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_keras_cases_have_sizes_of_one():
    sizes = [(c.args[0].input_size, c.args[0].hidden_size, *c.args[1].shape[:2]) for c in ch16._keras_cases()]
    assert any(s[2] == 1 for s in sizes)  # batch
    assert any(s[1] == 1 for s in sizes)  # hidden
    assert any(s[3] == 1 for s in sizes)  # steps
    assert any(s[0] == 1 for s in sizes)  # input


# -- ex-two-layer-bidirectional ---------------------------------------------------------------------------


def lstm_shapes(input_size, hidden_size, num_layers, bidirectional, batch, steps):
    directions = 2 if bidirectional else 1
    state = (num_layers * directions, batch, hidden_size)
    return (batch, steps, directions * hidden_size), state, state


def by_running_it(input_size, hidden_size, num_layers, bidirectional, batch, steps):
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional, batch_first=True)
    output, (h_n, c_n) = lstm(torch.zeros(batch, steps, input_size))
    return output.shape, h_n.shape, c_n.shape  # torch.Size is a tuple


def as_lists(input_size, hidden_size, num_layers, bidirectional, batch, steps):
    d = 1 + int(bidirectional)
    return [batch, steps, hidden_size * d], [num_layers * d, batch, hidden_size], [d * num_layers, batch, hidden_size]


RIGHT_SHAPES = [lstm_shapes, by_running_it, as_lists]


def check_shapes(fn, capsys):
    ok = lt.exercises.check_lstm_shapes(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return ok, out


@pytest.mark.parametrize("answer", RIGHT_SHAPES, ids=lambda f: f.__name__)
def test_right_shape_answers_pass(answer, capsys):
    ok, out = check_shapes(answer, capsys)
    assert ok and out.startswith("✓"), out


def _shapes(output=None, state=None):
    """lstm_shapes with the output's or the state's shape written wrongly."""
    def answer(input_size, hidden_size, num_layers, bidirectional, batch, steps):
        d = 2 if bidirectional else 1
        args = dict(N=input_size, H=hidden_size, L=num_layers, D=d, B=batch, T=steps)
        o = output(**args) if output else (batch, steps, d * hidden_size)
        s = state(**args) if state else (num_layers * d, batch, hidden_size)
        return o, s, s
    return answer


def by_running_it_squeezed(input_size, hidden_size, num_layers, bidirectional, batch, steps):
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional, batch_first=True)
    output, (h_n, c_n) = lstm(torch.zeros(batch, steps, input_size))
    return output.squeeze().shape, h_n.squeeze().shape, c_n.squeeze().shape


def by_running_it_time_first(input_size, hidden_size, num_layers, bidirectional, batch, steps):
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional)
    output, (h_n, c_n) = lstm(torch.zeros(steps, batch, input_size))
    return output.shape, h_n.shape, c_n.shape


WRONG_SHAPES = {
    "one direction": (_shapes(lambda B, T, H, **_: (B, T, H), lambda L, B, H, **_: (L, B, H)),
                      "the backward direction forgotten"),
    "output of H": (_shapes(output=lambda B, T, H, **_: (B, T, H)), "output with hidden_size features"),
    "output of D * input_size": (_shapes(output=lambda B, T, N, D, **_: (B, T, D * N)),
                                 "item 2 of the shape of output should be 12"),
    "output of input_size": (_shapes(output=lambda B, T, N, **_: (B, T, N)), "output with input_size features"),
    "no time axis": (_shapes(output=lambda B, D, H, **_: (B, D * H)), "output without its time axis"),
    "rows per layer": (_shapes(state=lambda L, B, H, **_: (L, B, H)), "one row of h_n per layer"),
    "rows per direction": (_shapes(state=lambda D, B, H, **_: (D, B, H)), "one row of h_n per direction"),
    "L + D rows": (_shapes(state=lambda L, D, B, H, **_: (L + D, B, H)), "num_layers + directions rows"),
    "h_n of 2H": (_shapes(state=lambda L, D, B, H, **_: (L * D, B, D * H)), "h_n with output's features"),
    "h_n batch first": (_shapes(state=lambda L, D, B, H, **_: (B, L * D, H)), "h_n and c_n batch first"),
    "output time first": (_shapes(output=lambda T, B, D, H, **_: (T, B, D * H)), "output time first"),
    "every layer in output": (_shapes(output=lambda B, T, L, D, H, **_: (B, T, L * D * H)),
                              "output with every layer's features"),
    "squeezed shapes": (by_running_it_squeezed, "the axes of size 1 dropped"),
    "run time first": (by_running_it_time_first, "output time first"),
    "only two shapes": (lambda *args: lstm_shapes(*args)[:2],
                        "should have 3 items (the shape of output, the shape of h_n, the shape of c_n), got 2"),
}


@pytest.mark.parametrize("name", WRONG_SHAPES)
def test_wrong_shape_answers_are_refused_and_named(name, capsys):
    answer, phrase = WRONG_SHAPES[name]
    ok, out = check_shapes(answer, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


def test_the_backward_direction_forgotten_names_the_item(capsys):
    ok, out = check_shapes(WRONG_SHAPES["one direction"][0], capsys)
    assert "item 2 of the shape of output should be 12, got 6" in out


@pytest.mark.parametrize("returned", [None, "shapes", (1, 2, 3), [None, None, None]],
                         ids=["None", "str", "ints", "Nones"])
def test_odd_shape_returns_do_not_crash(returned, capsys):
    ok, out = check_shapes(lambda *args: returned, capsys)
    assert not ok and out.startswith("✗")


def test_the_shape_starter_is_not_implemented(capsys):
    def starter(input_size, hidden_size, num_layers, bidirectional, batch, steps):
        raise NotImplementedError

    ok, out = check_shapes(starter, capsys)
    assert not ok and "not implemented yet" in out


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
