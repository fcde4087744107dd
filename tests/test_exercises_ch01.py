"""The checkers of chapter 1's exercises accept the answers and name the typical mistakes."""

import pytest
import torch

import lstm_tutorial as lt


def check(checker, fn, capsys):
    ok = checker(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one sentence expected: {out}"
    return ok, out


# -- run_rnn --------------------------------------------------------------------------------------------


def run_rnn(x, W_x, W_h, b):
    h = x.new_zeros(x.shape[0], W_h.shape[0])
    states = []
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t] @ W_x.T + h @ W_h.T + b)
        states.append(h)
    return torch.stack(states, dim=1)


def with_the_cell(x, W_x, W_h, b):
    cell = lt.RNNCell(W_x.shape[1], W_x.shape[0]).double()
    with torch.no_grad():
        cell.weight_x.copy_(W_x)
        cell.weight_h.copy_(W_h)
        cell.bias.copy_(b)
        return lt.unroll(cell, x)[0]


def test_run_rnn_answers_pass(capsys):
    for answer in (run_rnn, with_the_cell):
        ok, out = check(lt.exercises.check_run_rnn, answer, capsys)
        assert ok and out.startswith("✓"), out


def test_run_rnn_starter(capsys):
    def starter(x, W_x, W_h, b):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_run_rnn, starter, capsys)
    assert not ok and "not implemented yet" in out


def test_run_rnn_without_tanh(capsys):
    def wrong(x, W_x, W_h, b):
        h = x.new_zeros(x.shape[0], W_h.shape[0])
        states = []
        for t in range(x.shape[1]):
            h = x[:, t] @ W_x.T + h @ W_h.T + b
            states.append(h)
        return torch.stack(states, dim=1)

    ok, out = check(lt.exercises.check_run_rnn, wrong, capsys)
    assert not ok and "no tanh" in out


def test_run_rnn_state_not_carried(capsys):
    def wrong(x, W_x, W_h, b):
        h = x.new_zeros(x.shape[0], W_h.shape[0])
        return torch.stack([torch.tanh(x[:, t] @ W_x.T + h @ W_h.T + b) for t in range(x.shape[1])], dim=1)

    ok, out = check(lt.exercises.check_run_rnn, wrong, capsys)
    assert not ok and "every step started from h = 0" in out


def test_run_rnn_untransposed_w_h(capsys):
    def wrong(x, W_x, W_h, b):
        h = x.new_zeros(x.shape[0], W_h.shape[0])
        states = []
        for t in range(x.shape[1]):
            h = torch.tanh(x[:, t] @ W_x.T + h @ W_h + b)
            states.append(h)
        return torch.stack(states, dim=1)

    ok, out = check(lt.exercises.check_run_rnn, wrong, capsys)
    assert not ok and "W_h used untransposed" in out


def test_run_rnn_one_step_late(capsys):
    def wrong(x, W_x, W_h, b):
        h = x.new_zeros(x.shape[0], W_h.shape[0])
        states = []
        for t in range(x.shape[1]):
            states.append(h)
            h = torch.tanh(x[:, t] @ W_x.T + h @ W_h.T + b)
        return torch.stack(states, dim=1)

    ok, out = check(lt.exercises.check_run_rnn, wrong, capsys)
    assert not ok and "shifted by one step" in out


def test_run_rnn_time_first_and_last_state_only(capsys):
    ok, out = check(lt.exercises.check_run_rnn, lambda *a: run_rnn(*a).transpose(0, 1), capsys)
    assert not ok and "should have shape [2, 5, 4], got [5, 2, 4]" in out
    ok, out = check(lt.exercises.check_run_rnn, lambda *a: run_rnn(*a)[:, -1], capsys)
    assert not ok and "should have shape" in out


def test_run_rnn_float32_state_gets_a_dtype_hint(capsys):
    def wrong(x, W_x, W_h, b):
        h = torch.zeros(x.shape[0], W_h.shape[0])
        states = []
        for t in range(x.shape[1]):
            h = torch.tanh(x[:, t] @ W_x.T + h @ W_h.T + b)
            states.append(h)
        return torch.stack(states, dim=1)

    ok, out = check(lt.exercises.check_run_rnn, wrong, capsys)
    assert not ok and "raised RuntimeError" in out and "x.new_zeros" in out


# -- make_counter ------------------------------------------------------------------------------------------


def counter(w_x=1.0, w_h=1.0, b=0.0, nonlinearity="relu"):
    def make_counter():
        cell = lt.RNNCell(1, 1, nonlinearity=nonlinearity)
        with torch.no_grad():
            cell.weight_x.fill_(w_x)
            cell.weight_h.fill_(w_h)
            cell.bias.fill_(b)
        return cell

    return make_counter


def test_counter_answer_passes(capsys):
    ok, out = check(lt.exercises.check_make_counter, counter(), capsys)
    assert ok and out.startswith("✓"), out


def test_counter_starter(capsys):
    def starter():
        raise NotImplementedError

    ok, out = check(lt.exercises.check_make_counter, starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("weights", "where", "why"), [
    ({"nonlinearity": "tanh"}, "on the stream 1 0 1 1 0 0 1 1 1 0, after step 0", "Your cell uses tanh"),
    ({"w_h": 0.0}, "after step 1 (bits read: 1 0) the state is 0, but 1 one has been seen",
     "Your W_h is 0: the old count is multiplied"),
    ({"w_h": 0.9}, "after step 1", "Your W_h is 0.9"),
    ({"w_x": 2.0}, "after step 0", "Your W_x is 2: each one adds W_x"),
    ({"b": 0.5}, "after step 0", "Your b is 0.5: the bias is added at every step"),
    ({"w_x": -1.0}, "after step 0", "Your W_x is -1"),
])
def test_counter_wrong_weights(capsys, weights, where, why):
    ok, out = check(lt.exercises.check_make_counter, counter(**weights), capsys)
    assert not ok and where in out and why in out, out


def test_counter_bias_shows_on_zeros(capsys):
    # a negative bias is harmless at the first stream (ReLU clips it) until a count has built up
    ok, out = check(lt.exercises.check_make_counter, counter(b=-0.5), capsys)
    assert not ok and "Your b is -0.5" in out and "been seen" in out, out


def test_counter_returns_something_else(capsys):
    ok, out = check(lt.exercises.check_make_counter, lambda: None, capsys)
    assert not ok and "should return an lt.RNNCell(1, 1), got None (did you forget `return cell`?)" in out
    ok, out = check(lt.exercises.check_make_counter, lambda: lt.RNNCell(1, 2, nonlinearity="relu"), capsys)
    assert not ok and "hidden_size=2" in out
