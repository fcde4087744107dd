"""The checkers of chapter 1's exercises accept the answers and name the typical mistakes."""

import pytest
import torch
from torch import nn

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


def with_nn_rnn(x, W_x, W_h, b):
    rnn = nn.RNN(W_x.shape[1], W_x.shape[0], batch_first=True, dtype=x.dtype)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(W_x)
        rnn.weight_hh_l0.copy_(W_h)
        rnn.bias_ih_l0.copy_(b)
        rnn.bias_hh_l0.zero_()
    return rnn(x)[0]


def input_term_first(x, W_x, W_h, b):
    xw = x @ W_x.T + b  # all steps at once, as lt.unroll does
    h = torch.zeros(x.shape[0], W_h.shape[0], dtype=x.dtype)
    states = []
    for xw_t in xw.unbind(1):
        h = torch.tanh(xw_t + h @ W_h.T)
        states.append(h)
    return torch.stack(states, 1)


def with_einsum_and_preallocation(x, W_x, W_h, b):
    batch, steps, _ = x.shape
    out = torch.empty(batch, steps, W_h.shape[0], dtype=x.dtype)
    h = torch.zeros(batch, W_h.shape[0], dtype=x.dtype)
    for t in range(steps):
        h = torch.tanh(torch.einsum("hi,bi->bh", W_x, x[:, t]) + torch.einsum("hk,bk->bh", W_h, h) + b)
        out[:, t] = h
    return out


def column_vectors(x, W_x, W_h, b):
    # W @ h as in the equation, with the batch along the columns
    h = torch.zeros(W_h.shape[0], x.shape[0], dtype=x.dtype)
    states = []
    for t in range(x.shape[1]):
        h = torch.tanh(W_x @ x[:, t].T + W_h @ h + b[:, None])
        states.append(h.T)
    return torch.stack(states, dim=1)


def in_float32(x, W_x, W_h, b):
    return run_rnn(x.float(), W_x.float(), W_h.float(), b.float())


@pytest.mark.parametrize("answer", [run_rnn, with_the_cell, with_nn_rnn, input_term_first,
                                    with_einsum_and_preallocation, column_vectors, in_float32])
def test_run_rnn_right_variants_pass(capsys, answer):
    ok, out = check(lt.exercises.check_run_rnn, answer, capsys)
    assert ok and out.startswith("✓"), out


def loop(x, W_x, W_h, b, step):
    h = x.new_zeros(x.shape[0], W_h.shape[0])
    states = []
    for t in range(x.shape[1]):
        h = step(x[:, t], h)
        states.append(h)
    return torch.stack(states, dim=1)


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda x, W_x, W_h, b: loop(x, W_x, W_h, b, lambda x_t, h: torch.sigmoid(x_t @ W_x.T + h @ W_h.T + b)),
     "a sigmoid where the tanh belongs"),
    (lambda x, W_x, W_h, b: loop(x, W_x, W_h, b, lambda x_t, h: torch.relu(x_t @ W_x.T + h @ W_h.T + b)),
     "a ReLU where the tanh belongs"),
    (lambda x, W_x, W_h, b: loop(x, W_x, W_h, b, lambda x_t, h: torch.tanh(x_t @ W_x.T + h @ W_h.T)),
     "the bias b left out"),
    (lambda x, W_x, W_h, b: loop(x, W_x, W_h, b, lambda x_t, h: torch.tanh(x_t @ W_x.T + b) + h @ W_h.T),
     "the tanh applied to W_x x_t + b only"),
    (lambda x, W_x, W_h, b: loop(x, W_x, W_h, b, lambda x_t, h: torch.tanh(x_t @ W_x + h @ W_h.T + b)),
     "used the right way round"),  # an error at the first, non-square case
    (lambda x, W_x, W_h, b: torch.stack([torch.tanh(x[:, t] @ W_x.T + b) for t in range(x.shape[1])], 1),
     "every step started from h = 0"),
    (lambda x, W_x, W_h, b: run_rnn(x, W_x, W_h, b).transpose(0, 1), "should have shape [2, 5, 4], got [5, 2, 4]"),
    (lambda x, W_x, W_h, b: run_rnn(x, W_x, W_h, b)[:, -1], "should have shape [2, 5, 4], got [2, 4]"),
    (lambda x, W_x, W_h, b: (run_rnn(x, W_x, W_h, b), run_rnn(x, W_x, W_h, b)[:, -1]),
     "should be a tensor of shape [2, 5, 4], got a tuple of 2 items"),
    (lambda x, W_x, W_h, b: run_rnn(x, W_x, W_h, b).squeeze(), "should have shape [1, 8, 2], got [8, 2]"),
    (lambda x, W_x, W_h, b: run_rnn(x, W_x, W_h, b)[:, :-1], "should have shape [2, 5, 4], got [2, 4, 4]"),
    (lambda x, W_x, W_h, b: None, "got None"),
])
def test_run_rnn_wrong_answers_refused(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_run_rnn, wrong, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


def test_run_rnn_squeezed_input_breaks_at_batch_one(capsys):
    def wrong(x, W_x, W_h, b):
        h = x.new_zeros(x.shape[0], W_h.shape[0])
        states = []
        for x_t in x.unbind(1):
            h = torch.tanh(x_t.squeeze() @ W_x.T + h @ W_h.T + b)
            states.append(h)
        return torch.stack(states, dim=1)

    ok, out = check(lt.exercises.check_run_rnn, wrong, capsys)
    assert not ok and "on input 2 of 6" in out, out


def test_run_rnn_in_place_change_of_an_input_is_refused(capsys):
    def wrong(x, W_x, W_h, b):
        states = run_rnn(x, W_x, W_h, b)
        b.zero_()
        return states

    ok, out = check(lt.exercises.check_run_rnn, wrong, capsys)
    assert not ok and "changes b in place" in out, out


def test_run_rnn_not_a_function(capsys):
    ok, out = check(lt.exercises.check_run_rnn, None, capsys)
    assert not ok and "should be a function" in out, out


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


def test_run_rnn_float32_state_is_right(capsys):
    # torch.zeros makes a float32 state; the exercise asks for no dtype, so this answer is right
    def float32_state(x, W_x, W_h, b):
        h = torch.zeros(x.shape[0], W_h.shape[0])
        states = []
        for t in range(x.shape[1]):
            h = torch.tanh(x[:, t] @ W_x.T + h @ W_h.T + b)
            states.append(h)
        return torch.stack(states, dim=1)

    ok, out = check(lt.exercises.check_run_rnn, float32_state, capsys)
    assert ok, out


def test_run_rnn_dtype_clash_that_float32_does_not_mend_gets_a_hint(capsys):
    def wrong(x, W_x, W_h, b):
        h = torch.zeros(x.shape[0], W_h.shape[0], dtype=torch.float64)
        states = []
        for t in range(x.shape[1]):
            h = torch.tanh(x[:, t] @ W_x.T + h @ W_h.T + b)
            states.append(h)
        return torch.stack(states, dim=1)

    ok, out = check(lt.exercises.check_run_rnn, lambda x, W_x, W_h, b: wrong(x.float(), W_x, W_h, b), capsys)
    assert not ok and "raised RuntimeError" in out and "x.new_zeros" in out, out


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


def counter_without_bias():
    cell = lt.RNNCell(1, 1, nonlinearity="relu", bias=False)
    with torch.no_grad():
        cell.weight_x.fill_(1.0)
        cell.weight_h.copy_(torch.ones(1, 1))
    return cell


def counter_in_float64():
    cell = lt.RNNCell(1, 1, nonlinearity="relu").double()
    for p in cell.parameters():
        p.data = torch.ones_like(p)
    with torch.no_grad():
        cell.bias.zero_()
    return cell


def counter_loaded_from_torch():
    rnn = nn.RNN(1, 1, nonlinearity="relu", batch_first=True)
    with torch.no_grad():
        for p in rnn.parameters():
            p.fill_(1.0)
        rnn.bias_ih_l0.fill_(0.5)
        rnn.bias_hh_l0.fill_(-0.5)
    return lt.RNNCell.from_torch(rnn)


@pytest.mark.parametrize("answer", [counter(), counter_without_bias, counter_in_float64, counter_loaded_from_torch])
def test_counter_right_variants_pass(capsys, answer):
    ok, out = check(lt.exercises.check_make_counter, answer, capsys)
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


def test_counter_other_wrong_returns(capsys):
    ok, out = check(lt.exercises.check_make_counter, lambda: nn.RNN(1, 1, nonlinearity="relu"), capsys)
    assert not ok and "should return an lt.RNNCell(1, 1), got a RNN" in out, out
    ok, out = check(lt.exercises.check_make_counter, lambda: 1 / 0, capsys)
    assert not ok and "raised ZeroDivisionError" in out, out
    ok, out = check(lt.exercises.check_make_counter, counter(w_h=1.001), capsys)
    assert not ok and "Your W_h is 1.001" in out, out
