"""The checkers of chapter 4's exercises accept the answers and name the typical mistakes."""

import pytest
import torch
from torch import nn

import lstm_tutorial as lt
from lstm_tutorial.exercises.ch04 import _first_forget_gate, random_lstm


def check(checker, fn, capsys):
    ok = checker(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one sentence expected: {out}"
    return ok, out


# -- lstm_param_count ---------------------------------------------------------------------------------------


def lstm_param_count(input_size, hidden_size, torch_biases=False):
    I, H = input_size, hidden_size  # noqa: E741
    biases = 2 if torch_biases else 1
    return 4 * (H * (H + I) + biases * H)


def test_count_answer_passes_and_matches_the_modules(capsys):
    ok, out = check(lt.exercises.check_lstm_param_count, lstm_param_count, capsys)
    assert ok and out.startswith("✓"), out
    count = lt.counting.count_parameters
    for i, h in [(3, 5), (100, 7)]:
        assert lstm_param_count(i, h) == count(lt.LSTMCell(i, h))
        assert lstm_param_count(i, h, torch_biases=True) == count(nn.LSTM(i, h))


def test_count_starter(capsys):
    def starter(input_size, hidden_size, torch_biases=False):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_lstm_param_count, starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda i, h, torch_biases=False: 4 * (h * (h + i) + h), "torch_biases ignored"),
    (lambda i, h, torch_biases=False: 4 * (h * (h + i) + 2 * h), "two biases per layer for lt.LSTMCell"),
    (lambda i, h, torch_biases=False: h * (h + i) + (2 if torch_biases else 1) * h, "one layer counted"),
    (lambda i, h, torch_biases=False: 3 * (h * (h + i) + (2 if torch_biases else 1) * h), "three layers counted"),
    (lambda i, h, torch_biases=False: 4 * (h * i + (2 if torch_biases else 1) * h), "the recurrent weights W_h"),
    (lambda i, h, torch_biases=False: 4 * h * (h + i) + (2 if torch_biases else 1) * h, "one bias for the whole"),
    (lambda i, h, torch_biases=False: 4 * (i * (h + i) + (2 if torch_biases else 1) * i), "swapped"),
])
def test_count_mistakes(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_lstm_param_count, wrong, capsys)
    assert not ok and phrase in out, out


def test_count_torch_biases_ignored_fails_on_the_torch_case(capsys):
    ok, out = check(lt.exercises.check_lstm_param_count,
                    lambda i, h, torch_biases=False: 4 * (h * (h + i) + h), capsys)
    assert "(on input 5 of 7: i=3, h=5, torch_biases=True)" in out, out


# -- first_forget_gate ----------------------------------------------------------------------------------------


def first_forget_gate(torch_lstm, x):
    H = torch_lstm.hidden_size
    rows = slice(H, 2 * H)
    W_xf = torch_lstm.weight_ih_l0[rows]
    b_f = torch_lstm.bias_ih_l0[rows] + torch_lstm.bias_hh_l0[rows]
    return torch.sigmoid(x[:, 0] @ W_xf.T + b_f)


def recorded(torch_lstm, x):
    cell = lt.LSTMCell.from_torch(torch_lstm)
    with lt.record_gates(cell) as gates, torch.no_grad():
        lt.unroll(cell, x)
    return gates["f"][:, 0]


def test_the_reference_is_what_the_cell_records():
    gen = torch.Generator().manual_seed(0)
    lstm = random_lstm(gen, 3, 4)
    x = torch.randn(5, 6, 3, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(_first_forget_gate(lstm, x), recorded(lstm, x))


def test_forget_answers_pass(capsys):
    for answer in (first_forget_gate, recorded):
        ok, out = check(lt.exercises.check_first_forget_gate, answer, capsys)
        assert ok and out.startswith("✓"), out


def test_forget_starter(capsys):
    def starter(torch_lstm, x):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_first_forget_gate, starter, capsys)
    assert not ok and "not implemented yet" in out


def by_hand(torch_lstm, x, block=1, phi=torch.sigmoid, biases=("bias_ih_l0", "bias_hh_l0"), step=0):
    H = torch_lstm.hidden_size
    rows = slice(block * H, (block + 1) * H)
    b = sum(getattr(torch_lstm, name)[rows] for name in biases)
    return phi(x[:, step] @ torch_lstm.weight_ih_l0[rows].T + b)


@pytest.mark.parametrize(("options", "phrase"), [
    ({"block": 0}, "rows 0:H, the input gate's"),
    ({"block": 2}, "rows 2*H:3*H, the candidate's"),
    ({"block": 3}, "rows 3*H:4*H, the output gate's"),
    ({"biases": ("bias_ih_l0",)}, "bias_ih_l0 alone"),
    ({"phi": torch.tanh}, "a tanh where the gate's sigmoid belongs"),
    ({"step": -1}, "the last step's input x[:, -1]"),
    ({"step": 1}, "the second step's input x[:, 1]"),
])
def test_forget_mistakes(capsys, options, phrase):
    ok, out = check(lt.exercises.check_first_forget_gate, lambda m, x: by_hand(m, x, **options), capsys)
    assert not ok and phrase in out, out


def test_forget_time_first_indexing(capsys):
    ok, out = check(lt.exercises.check_first_forget_gate, lambda m, x: by_hand(m, x.transpose(0, 1)), capsys)
    assert not ok and "should have shape [6, 4], got [5, 4]" in out, out


def test_forget_hidden_weights_in_place_of_input_weights(capsys):
    def wrong(m, x):
        H = m.hidden_size
        return torch.sigmoid(x[:, 0] @ m.weight_hh_l0[H:2 * H].T + m.bias_ih_l0[H:2 * H] + m.bias_hh_l0[H:2 * H])

    ok, out = check(lt.exercises.check_first_forget_gate, wrong, capsys)
    assert not ok and "raised RuntimeError" in out and "x @ W.T" in out, out
