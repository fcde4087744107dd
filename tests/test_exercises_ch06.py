"""The checkers of chapter 6 accept right answers however they are written, refuse wrong ones
(naming the mistake where they know it), never raise, and print exactly one line."""

import pytest
import torch

import lstm_tutorial as lt


def verdict(checker, answer, capsys):
    ok = checker(answer)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one sentence expected: {out}"
    assert "Traceback" not in out
    return ok, out


# -- forget_gate_by_hand ---------------------------------------------------------------------------------


def check(fn, capsys):
    return verdict(lt.exercises.check_forget_gate_by_hand, fn, capsys)


def forget_gate_by_hand(cell, x_t, h_prev):
    H = cell.hidden_size
    rows = slice(H, 2 * H)
    return torch.sigmoid(
        x_t @ cell.weight_x[rows].T + h_prev @ cell.weight_h[rows].T + cell.bias[rows]
    )


def recorded(cell, x_t, h_prev):
    """The gate as the cell itself computes it, from the state (h_prev, anything)."""
    with lt.record_gates(cell) as gates, torch.no_grad():
        cell(x_t, (h_prev, torch.zeros_like(h_prev)))
    return gates["f"][:, 0]


def concatenated(cell, x_t, h_prev):
    """W_f [h_{t-1}, x_t] + b_f literally, with the two weight blocks side by side."""
    H = cell.hidden_size
    W_f = torch.cat([cell.weight_h[H:2 * H], cell.weight_x[H:2 * H]], dim=1)
    return torch.sigmoid(torch.cat([h_prev, x_t], dim=1) @ W_f.T + cell.bias[H:2 * H])


def with_chunks(cell, x_t, h_prev):
    z = torch.addmm(cell.project(x_t), h_prev, cell.weight_h.t())
    return torch.sigmoid(z.chunk(4, dim=1)[1]).detach()


def in_float32(cell, x_t, h_prev):
    H = cell.hidden_size
    W_x, W_h, b = (p[H:2 * H].detach().float() for p in (cell.weight_x, cell.weight_h, cell.bias))
    return torch.sigmoid(x_t.float() @ W_x.T + h_prev.float() @ W_h.T + b)


def by_einsum(cell, x_t, h_prev):
    H = cell.hidden_size
    z = torch.einsum("bi,hi->bh", x_t, cell.weight_x[H:2 * H]) + torch.einsum(
        "bj,hj->bh", h_prev, cell.weight_h[H:2 * H])
    return 1 / (1 + torch.exp(-(z + cell.bias[H:2 * H])))


def loop_per_row(cell, x_t, h_prev):
    H = cell.hidden_size
    rows = []
    for b in range(x_t.shape[0]):
        z = cell.weight_x[H:2 * H] @ x_t[b] + cell.weight_h[H:2 * H] @ h_prev[b] + cell.bias[H:2 * H]
        rows.append(torch.sigmoid(z))
    return torch.stack(rows)


@pytest.mark.parametrize("answer", [forget_gate_by_hand, recorded, concatenated, with_chunks, in_float32,
                                    by_einsum, loop_per_row])
def test_right_answers_pass(capsys, answer):
    ok, out = check(answer, capsys)
    assert ok and out.startswith("✓"), out


def test_the_starter_is_not_implemented(capsys):
    def starter(cell, x_t, h_prev):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


def by_hand(cell, x_t, h_prev, block=1, phi=torch.sigmoid, recurrent=True, bias=True, t_x=True, t_h=True):
    H = cell.hidden_size
    rows = slice(block * H, (block + 1) * H)
    W_x, W_h = cell.weight_x[rows], cell.weight_h[rows]
    z = x_t @ (W_x.T if t_x else W_x)
    if recurrent:
        z = z + h_prev @ (W_h.T if t_h else W_h)
    if bias:
        z = z + cell.bias[rows]
    return phi(z)


@pytest.mark.parametrize(("options", "phrase"), [
    ({"block": 0}, "rows 0:H, the input gate's"),
    ({"block": 2}, "rows 2*H:3*H, the candidate's"),
    ({"block": 3}, "rows 3*H:4*H, the output gate's"),
    ({"phi": torch.tanh}, "a tanh where the gate's sigmoid belongs"),
    ({"phi": lambda z: z}, "no sigmoid"),
    ({"phi": lambda z: torch.sigmoid(-z)}, "1 - σ(...)"),
    ({"recurrent": False}, "h_prev left out"),
    ({"bias": False}, "the bias b_f left out"),
    ({"t_h": False}, "h_prev @ W_h[H:2*H] without the transpose"),
])
def test_the_mistakes_are_named(capsys, options, phrase):
    ok, out = check(lambda cell, x_t, h_prev: by_hand(cell, x_t, h_prev, **options), capsys)
    assert not ok and phrase in out, out


def test_an_untransposed_input_weight_is_refused(capsys):
    """x_t @ W_x[rows] runs only where input_size == hidden_size; elsewhere it raises, with a hint."""
    ok, out = check(lambda cell, x_t, h_prev: by_hand(cell, x_t, h_prev, t_x=False), capsys)
    assert not ok and ("without the transpose" in out or "x @ W.T" in out), out


@pytest.mark.parametrize("wrong", [
    # a row hard-coded for one unit: right only where hidden_size == 1
    lambda cell, x_t, h_prev: torch.sigmoid(x_t @ cell.weight_x[1:2].T + h_prev @ cell.weight_h[1:2].T
                                            + cell.bias[1:2]),
    # squeezed: a batch of 1 loses its axis
    lambda cell, x_t, h_prev: forget_gate_by_hand(cell, x_t, h_prev).squeeze(),
    # only the first example of the batch, broadcast
    lambda cell, x_t, h_prev: forget_gate_by_hand(cell, x_t[:1], h_prev[:1]).expand(x_t.shape[0], -1),
    # all four layers
    lambda cell, x_t, h_prev: torch.sigmoid(x_t @ cell.weight_x.T + h_prev @ cell.weight_h.T + cell.bias),
    lambda cell, x_t, h_prev: None,
    lambda cell, x_t, h_prev: forget_gate_by_hand(cell, x_t, h_prev).tolist(),
])
def test_other_wrong_answers_are_refused(capsys, wrong):
    ok, out = check(wrong, capsys)
    assert not ok and out.startswith("✗"), out


def test_a_wrong_shape_names_the_expected_shape(capsys):
    def wrong(cell, x_t, h_prev):
        return torch.sigmoid(x_t @ cell.weight_x.T + h_prev @ cell.weight_h.T + cell.bias)

    ok, out = check(wrong, capsys)
    assert not ok and "should have shape [3, 3], got [3, 12]" in out, out


def test_the_weights_swapped_raise_with_a_hint(capsys):
    def wrong(cell, x_t, h_prev):
        H = cell.hidden_size
        return torch.sigmoid(x_t @ cell.weight_h[H:2 * H].T + h_prev @ cell.weight_x[H:2 * H].T + cell.bias[H:2 * H])

    ok, out = check(wrong, capsys)
    assert not ok and "raised RuntimeError" in out and "x @ W.T" in out, out


def test_an_answer_that_changes_its_inputs_is_refused(capsys):
    def in_place(cell, x_t, h_prev):
        f_t = forget_gate_by_hand(cell, x_t, h_prev)
        h_prev.mul_(0)  # right result, but the caller's tensor is gone
        return f_t

    ok, out = check(in_place, capsys)
    assert not ok and "in place" in out and "h_prev" in out, out


def test_an_answer_that_changes_the_cell_is_refused(capsys):
    def in_place(cell, x_t, h_prev):
        f_t = forget_gate_by_hand(cell, x_t, h_prev).detach()
        with torch.no_grad():
            cell.bias.zero_()
        return f_t

    ok, out = check(in_place, capsys)
    assert not ok and "in place" in out and "bias" in out, out


def test_a_float32_state_gets_a_dtype_hint(capsys):
    def float32_state(cell, x_t, h_prev):
        H = cell.hidden_size
        return torch.sigmoid(x_t @ cell.weight_x[H:2 * H].T + h_prev.float() @ cell.weight_h[H:2 * H].T
                             + cell.bias[H:2 * H])

    ok, out = check(float32_state, capsys)
    assert not ok and "float64" in out, out


def test_not_a_function(capsys):
    ok, out = check(3, capsys)
    assert not ok and "should be a function" in out


# -- counting_cell ---------------------------------------------------------------------------------------


def check_counting(fn, capsys):
    return verdict(lt.exercises.check_counting_cell, fn, capsys)


def counting_cell(scale=30.0):
    cell = lt.LSTMCell(3, 1)
    with torch.no_grad():
        for p in cell.parameters():
            p.zero_()
        cell.bias[1] = scale
        cell.weight_x[0] = torch.tensor([-scale, scale, scale])
        cell.weight_x[2] = torch.tensor([0.0, scale, -scale])
    return cell


def open_gate_zero_candidate():
    """Input gate open everywhere, but the candidate is 0 at 'word': nothing is written there."""
    cell = counting_cell()
    with torch.no_grad():
        cell.weight_x[0] = 30.0
    return cell


def forget_weights_not_bias():
    """f_t = 1 through the weights (the input is one-hot, so one of them is always 1)."""
    cell = counting_cell()
    with torch.no_grad():
        cell.bias[1] = 0.0
        cell.weight_x[1] = 25.0
    return cell


def random_recurrent_weights_left():
    """weight_h left at its random initial values: the gates stay saturated anyway."""
    cell = lt.LSTMCell(3, 1, forget_bias=30.0)
    with torch.no_grad():
        cell.weight_x.zero_()
        cell.bias[[0, 2, 3]] = 0.0
        cell.weight_x[0] = torch.tensor([-30.0, 30.0, 30.0])
        cell.weight_x[2] = torch.tensor([0.0, 30.0, -30.0])
    return cell


def in_double():
    return counting_cell().double()


def via_candidate_bias():
    """The candidate's input as bias + weight: 15 - 15 at 'word', 15 + 15 at 'Anna', 15 - 45 at 'Ben'."""
    cell = counting_cell()
    with torch.no_grad():
        cell.bias[2] = 15.0
        cell.weight_x[2] = torch.tensor([-15.0, 15.0, -45.0])
    return cell


@pytest.mark.parametrize("answer", [counting_cell, lambda: counting_cell(20.0), open_gate_zero_candidate,
                                    forget_weights_not_bias, random_recurrent_weights_left, in_double,
                                    via_candidate_bias])
def test_right_counting_cells_pass(capsys, answer):
    ok, out = check_counting(answer, capsys)
    assert ok and out.startswith("✓ counting_cell"), out


def modified(**rows):
    def build():
        cell = counting_cell()
        with torch.no_grad():
            for name, (index, value) in rows.items():
                getattr(cell, name)[index] = value
        return cell

    return build


def writes_at_filler():
    cell = counting_cell()
    with torch.no_grad():
        cell.weight_x[0] = 30.0  # the input gate open at every word
        cell.weight_x[2, 0] = 30.0  # and the candidate +1 at 'word'
    return cell


@pytest.mark.parametrize(("answer", "phrase"), [
    (modified(bias=(1, 0.0)), "the forget gate is 0.500"),
    (modified(bias=(1, 4.0)), "holds f_t at 1"),
    (lambda: lt.LSTMCell(3, 1), "it writes"),
    (writes_at_filler, "should write nothing: close the input gate at 'word'"),
    (modified(weight_x=(2, torch.tensor([0.0, -30.0, 30.0]))), "the candidate's signs are the wrong way round"),
    (lambda: counting_cell(1.0), "saturate both layers"),
    (modified(weight_x=(0, torch.tensor([-30.0, 30.0, 0.0]))), "should write -1"),
])
def test_wrong_counting_cells_are_refused_and_named(capsys, answer, phrase):
    ok, out = check_counting(answer, capsys)
    assert not ok and phrase in out, out


def test_a_random_cell_names_its_recurrent_weights(capsys):
    ok, out = check_counting(lambda: lt.LSTMCell(3, 1), capsys)
    assert not ok and "weight_h is not zero" in out, out


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda: None, "did you forget `return cell`"),
    (lambda: torch.nn.LSTM(3, 1), "should return an lt.LSTMCell(3, 1)"),
    (lambda: lt.LSTMCell(3, 2), "hidden_size=2"),
    (lambda: lt.LSTMCell(4, 1), "input_size=4"),
    (lambda: lt.LSTMCell(3, 1, bias=False), "bias=False"),
    (lambda: 1 / 0, "raised ZeroDivisionError"),
])
def test_what_is_not_a_counting_cell_is_refused(capsys, answer, phrase):
    ok, out = check_counting(answer, capsys)
    assert not ok and phrase in out, out


def test_a_cell_of_nans_is_refused(capsys):
    ok, out = check_counting(modified(bias=(1, float("nan"))), capsys)
    assert not ok and out.startswith("✗"), out


def test_the_counting_starter_is_not_implemented(capsys):
    def starter():
        raise NotImplementedError

    ok, out = check_counting(starter, capsys)
    assert not ok and "not implemented yet" in out
