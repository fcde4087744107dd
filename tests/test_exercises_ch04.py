"""The checkers of chapter 4's exercises accept the answers and name the typical mistakes."""

import numpy as np
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


@pytest.mark.parametrize("answer", [
    lambda input_size, hidden_size, torch_biases=False: 4 * hidden_size * (hidden_size + input_size)
    + (8 if torch_biases else 4) * hidden_size,
    lambda i, h, torch_biases=False: float(4 * (h * h + h * i) + 4 * h * (1 + int(torch_biases))),
    lambda i, h, torch_biases=False: np.int64(4) * (h * (h + i) + (2 if torch_biases else 1) * h),
    lambda i, h, torch_biases=False: torch.tensor(4 * (h * (h + i) + (2 if torch_biases else 1) * h)),
])
def test_count_right_variants_pass(capsys, answer):
    ok, out = check(lt.exercises.check_lstm_param_count, answer, capsys)
    assert ok and out.startswith("✓"), out


def test_count_one_extra_bias_vector_is_named(capsys):
    ok, out = check(lt.exercises.check_lstm_param_count,
                    lambda i, h, torch_biases=False: 4 * (h * (h + i) + h) + (h if torch_biases else 0), capsys)
    assert not ok and "one extra bias of length hidden_size" in out, out


def test_count_by_building_the_module_is_refused(capsys):
    for answer in (lambda i, h, torch_biases=False: lt.counting.count_parameters(
                       nn.LSTM(i, h) if torch_biases else lt.LSTMCell(i, h)),
                   lambda i, h, torch_biases=False: sum(p.numel() for p in nn.LSTMCell(i, h).parameters())):
        ok, out = check(lt.exercises.check_lstm_param_count, answer, capsys)
        assert not ok and "write the count as a formula" in out, out
    assert lt.counting.count_parameters(nn.LSTM(3, 5)) == 200  # the modules build again afterwards


def test_count_wrong_keyword(capsys):
    ok, out = check(lt.exercises.check_lstm_param_count, lambda i, h, torch_bias=False: 4 * (h * (h + i) + h), capsys)
    assert not ok and "raised TypeError" in out and "torch_biases" in out, out


def test_count_torch_biases_ignored_fails_on_the_torch_case(capsys):
    ok, out = check(lt.exercises.check_lstm_param_count,
                    lambda i, h, torch_biases=False: 4 * (h * (h + i) + h), capsys)
    assert "(on input 5 of 9: i=3, h=5, torch_biases=True)" in out, out


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


def by_chunks(torch_lstm, x):
    _, W_f, _, _ = torch_lstm.weight_ih_l0.chunk(4)
    b = (torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0).chunk(4)[1]
    return torch.sigmoid(torch.einsum("hi,bi->bh", W_f, x[:, 0]) + b)


def on_the_concatenation(torch_lstm, x):
    # W_f [h_{-1}, x_0] + b_f, as the equation writes it, with h_{-1} = 0
    H = torch_lstm.hidden_size
    W = torch.cat([torch_lstm.weight_hh_l0, torch_lstm.weight_ih_l0], dim=1).view(4, H, -1)[1]
    h_prev = torch.zeros(x.shape[0], H, dtype=x.dtype)
    b = torch_lstm.bias_ih_l0.view(4, H)[1] + torch_lstm.bias_hh_l0.view(4, H)[1]
    return 1 / (1 + torch.exp(-(torch.cat([h_prev, x[:, 0]], dim=1) @ W.T + b)))


def in_float32(torch_lstm, x):
    H = torch_lstm.hidden_size
    m = torch_lstm.float()  # in place on the checker's copy: the case's module is not touched
    return torch.sigmoid(x[:, 0].float() @ m.weight_ih_l0[H:2 * H].T + m.bias_ih_l0[H:2 * H] + m.bias_hh_l0[H:2 * H])


def with_a_float32_zero_state(torch_lstm, x):
    H = torch_lstm.hidden_size
    h_prev = torch.zeros(x.shape[0], H)  # float32
    z = x[:, 0] @ torch_lstm.weight_ih_l0[H:2 * H].T + h_prev @ torch_lstm.weight_hh_l0[H:2 * H].T
    return torch.sigmoid(z + torch_lstm.bias_ih_l0[H:2 * H] + torch_lstm.bias_hh_l0[H:2 * H])


@pytest.mark.parametrize("answer", [first_forget_gate, by_chunks, on_the_concatenation, with_a_float32_zero_state])
def test_forget_right_variants_pass(capsys, answer):
    ok, out = check(lt.exercises.check_first_forget_gate, answer, capsys)
    assert ok and out.startswith("✓"), out


def test_forget_module_cast_in_place_is_refused(capsys):
    # .float() changes the module it is given; the exercise asks for no change to it
    ok, out = check(lt.exercises.check_first_forget_gate, in_float32, capsys)
    assert not ok and "changes torch_lstm" in out and "in place" in out, out


def test_forget_running_the_lstm_is_refused(capsys):
    # lt.record_gates is for comparing; the exercise is to compute the gate from the weights
    ok, out = check(lt.exercises.check_first_forget_gate, recorded, capsys)
    assert not ok and "compute f_0 by hand" in out, out
    # and the cell runs again afterwards
    gen = torch.Generator().manual_seed(0)
    lstm = random_lstm(gen, 3, 4)
    assert recorded(lstm, torch.zeros(2, 3, 3, dtype=torch.float64)).shape == (2, 4)


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
    ({"block": 0}, "the input gate's rows, the first block of H = hidden_size rows (0:H)"),
    ({"block": 2}, "the candidate's rows, the third block"),
    ({"block": 3}, "the output gate's rows, the fourth block"),
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
    assert not ok and "weight_hh_l0 where weight_ih_l0 belongs" in out, out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda m, x: torch.sigmoid(x[:, 0] @ m.weight_ih_l0[4:8] + m.bias_ih_l0[4:8] + m.bias_hh_l0[4:8]),
     "the weight used untransposed"),
    (lambda m, x: by_hand(m, x).squeeze(), "should have shape [1, 1], got []"),
    (lambda m, x: torch.sigmoid(x[:, 0] @ m.weight_ih_l0[4:8].T + m.bias_ih_l0[4:8] + m.bias_hh_l0[4:8]),
     "on input 2 of 5"),  # hard-coded for hidden_size 4
    (lambda m, x: by_hand(m, x, biases=()), "has wrong values"),
    (lambda m, x: None, "should be a tensor of shape [6, 4], got None"),
])
def test_forget_more_wrong_answers(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_first_forget_gate, wrong, capsys)
    assert not ok and phrase in out, out


def test_forget_wrong_slice_at_hidden_one_names_no_block(capsys):
    # right for hidden_size > 1 by luck of the formula, wrong at hidden_size 1: no block to blame there
    def wrong(m, x):
        H = m.hidden_size
        rows = slice(H, 2 * H) if H > 1 else slice(3, 4)
        return torch.sigmoid(x[:, 0] @ m.weight_ih_l0[rows].T + m.bias_ih_l0[rows] + m.bias_hh_l0[rows])

    ok, out = check(lt.exercises.check_first_forget_gate, wrong, capsys)
    assert not ok and "on input 4 of 5" in out and "rows" not in out and "It matches" not in out, out
