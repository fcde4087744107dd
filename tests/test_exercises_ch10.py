"""The checker of chapter 10 accepts a correct LSTM step and names the typical mistakes."""

import pytest
import torch
from torch import nn

from lstm_tutorial import exercises


def _verdict(capsys, answer):
    ok = exercises.check_lstm_step(answer)
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1, out
    return ok, out


def lstm_step(x_t, h_prev, c_prev, W_x, W_h, b, *, order="ifgo", candidate=torch.tanh, squash=torch.tanh):
    z = x_t @ W_x.T + h_prev @ W_h.T + b
    parts = dict(zip(order, z.chunk(4, dim=1), strict=True))
    i_t, f_t, o_t = (torch.sigmoid(parts[k]) for k in "ifo")
    g_t = candidate(parts["g"])
    c_t = f_t * c_prev + i_t * g_t
    return o_t * squash(c_t), c_t


def test_reference_passes(capsys):
    ok, out = _verdict(capsys, lstm_step)
    assert ok and out.startswith("✓ lstm_step"), out


def test_torch_lstm_cell_with_the_same_weights_passes(capsys):
    """An answer that is right by PyTorch's own definition must pass: the checker's
    reference and nn.LSTMCell agree on the layout i, f, g, o."""

    def by_torch(x_t, h_prev, c_prev, W_x, W_h, b):
        cell = nn.LSTMCell(W_x.shape[1], W_h.shape[1]).double()
        with torch.no_grad():
            cell.weight_ih.copy_(W_x)
            cell.weight_hh.copy_(W_h)
            cell.bias_ih.copy_(b)
            cell.bias_hh.zero_()
            return cell(x_t, (h_prev, c_prev))

    ok, out = _verdict(capsys, by_torch)
    assert ok, out


def test_starter_is_not_implemented(capsys):
    def starter(x_t, h_prev, c_prev, W_x, W_h, b):
        raise NotImplementedError

    ok, out = _verdict(capsys, starter)
    assert not ok and "not implemented yet" in out, out


@pytest.mark.parametrize(
    ("wrong", "named"),
    [
        (lambda *a: lstm_step(*a, order="ifog"), "in the order i, f, o, g"),
        (lambda *a: lstm_step(*a, order="figo"), "in the order f, i, g, o"),
        (lambda *a: lstm_step(*a, candidate=torch.sigmoid), "a sigmoid where the candidate's tanh belongs"),
        (lambda *a: lstm_step(*a, squash=lambda c: c), "without the tanh on the cell state"),
        (lambda *a: lstm_step(*a)[::-1], "(c_t, h_t) returned in place of (h_t, c_t)"),
    ],
    ids=["ifog", "figo", "sigmoid-candidate", "no-tanh", "swapped-outputs"],
)
def test_typical_mistakes_are_named(capsys, wrong, named):
    ok, out = _verdict(capsys, wrong)
    assert not ok and named in out, out


def test_an_unknown_mistake_says_what_differs(capsys):
    ok, out = _verdict(capsys, lambda *a: tuple(t + 0.1 for t in lstm_step(*a)))
    assert not ok and out.startswith("✗") and "h_t" in out, out


def test_an_error_inside_the_answer_is_reported_not_raised(capsys):
    def transposed(x_t, h_prev, c_prev, W_x, W_h, b):
        return lstm_step(x_t, h_prev, c_prev, W_x.T, W_h, b)

    ok, out = _verdict(capsys, transposed)
    assert not ok and "Traceback" not in out, out


def concatenated(x_t, h_prev, c_prev, W_x, W_h, b):
    """W [h_{t-1}, x_t] + b literally, one weight matrix."""
    W = torch.cat([W_h, W_x], dim=1)
    z = torch.cat([h_prev, x_t], dim=1) @ W.T + b
    H = h_prev.shape[1]
    i, f, g, o = (z[:, k * H:(k + 1) * H] for k in range(4))
    c_t = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_t), c_t


def per_gate_einsum(x_t, h_prev, c_prev, W_x, W_h, b):
    H = h_prev.shape[1]
    gates = []
    for k in range(4):
        rows = slice(k * H, (k + 1) * H)
        gates.append(torch.einsum("bi,hi->bh", x_t, W_x[rows]) + torch.einsum("bj,hj->bh", h_prev, W_h[rows])
                     + b[rows])
    i, f, g, o = gates
    c_t = torch.addcmul(torch.sigmoid(f) * c_prev, torch.sigmoid(i), torch.tanh(g))
    return [torch.sigmoid(o) * torch.tanh(c_t), c_t]  # a list is as good as a tuple


def in_float32(x_t, h_prev, c_prev, W_x, W_h, b):
    return lstm_step(*(t.float() for t in (x_t, h_prev, c_prev, W_x, W_h, b)))


def one_example_at_a_time(x_t, h_prev, c_prev, W_x, W_h, b):
    rows = [lstm_step(x_t[k:k + 1], h_prev[k:k + 1], c_prev[k:k + 1], W_x, W_h, b) for k in range(len(x_t))]
    return torch.cat([h for h, _ in rows]), torch.cat([c for _, c in rows])


def through_the_book_cell(x_t, h_prev, c_prev, W_x, W_h, b):
    import lstm_tutorial as lt

    cell = lt.LSTMCell(W_x.shape[1], W_h.shape[1]).double()
    with torch.no_grad():
        cell.weight_x.copy_(W_x)
        cell.weight_h.copy_(W_h)
        cell.bias.copy_(b)
        return cell(x_t, (h_prev, c_prev))


@pytest.mark.parametrize("answer", [concatenated, per_gate_einsum, in_float32, one_example_at_a_time,
                                    through_the_book_cell])
def test_right_answers_written_differently_pass(capsys, answer):
    ok, out = _verdict(capsys, answer)
    assert ok and out.startswith("✓"), out


def variant(**options):
    def step(x_t, h_prev, c_prev, W_x, W_h, b):
        o = dict(order="ifgo", gate=torch.sigmoid, candidate=torch.tanh, squash=torch.tanh, bias=1, keep=True,
                 write=True, swap=False, old_c=False)
        o.update(options)
        z = (h_prev @ W_x.T + x_t @ W_h.T) if o["swap"] else (x_t @ W_x.T + h_prev @ W_h.T)
        parts = dict(zip(o["order"], (z + o["bias"] * b).chunk(4, dim=1), strict=True))
        i_t, f_t, o_t = (o["gate"](parts[k]) for k in "ifo")
        g_t = o["candidate"](parts["g"])
        c_t = (f_t * c_prev if o["keep"] else c_prev) + (i_t * g_t if o["write"] else g_t)
        return o_t * o["squash"](c_prev if o["old_c"] else c_t), c_t

    return step


@pytest.mark.parametrize(("wrong", "named"), [
    (variant(order="fgio"), "in the order f, g, i, o"),
    (variant(order="oifg"), "in the order o, i, f, g"),
    (variant(gate=torch.tanh), "a tanh where the gates' sigmoid belongs"),
    (variant(squash=torch.sigmoid), "a sigmoid where the tanh on the cell state belongs"),
    (variant(old_c=True), "from the old cell state c_prev"),
    (variant(keep=False), "without the forget gate"),
    (variant(write=False), "without the input gate"),
    (variant(bias=0), "the bias b left out"),
    (variant(bias=2), "the bias added twice"),
])
def test_more_mistakes_are_named(capsys, wrong, named):
    ok, out = _verdict(capsys, wrong)
    assert not ok and named in out, out


def test_weights_applied_to_the_wrong_inputs_are_refused(capsys):
    """Where input_size != hidden_size this raises (with a hint); where they are equal it is named."""
    ok, out = _verdict(capsys, variant(swap=True))
    assert not ok and "x @ W.T" in out, out

    def square_only(x_t, h_prev, c_prev, W_x, W_h, b):
        if x_t.shape[1] != h_prev.shape[1]:
            return lstm_step(x_t, h_prev, c_prev, W_x, W_h, b)
        return variant(swap=True)(x_t, h_prev, c_prev, W_x, W_h, b)

    ok, out = _verdict(capsys, square_only)
    assert not ok and "W_x applied to h_prev and W_h to x_t" in out, out


def test_an_untransposed_input_weight_is_refused(capsys):
    def wrong(x_t, h_prev, c_prev, W_x, W_h, b):
        if x_t.shape[1] != W_x.shape[0]:
            return lstm_step(x_t, h_prev, c_prev, W_x, W_h, b)  # right where it cannot run untransposed
        z = x_t @ W_x + h_prev @ W_h.T + b
        i, f, g, o = z.chunk(4, dim=1)
        c_t = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c_t), c_t

    ok, out = _verdict(capsys, wrong)
    assert not ok and "without the transpose" in out, out


@pytest.mark.parametrize("in_place", ["c_prev", "h_prev", "W_x", "b"])
def test_an_answer_that_changes_its_inputs_is_refused(capsys, in_place):
    """The class found an answer accepted that wrote into c_prev; the harness now refuses it."""

    def changes(x_t, h_prev, c_prev, W_x, W_h, b):
        z = x_t @ W_x.T + h_prev @ W_h.T + b
        i, f, g, o = z.chunk(4, dim=1)
        if in_place == "c_prev":
            c_t = c_prev.mul_(torch.sigmoid(f)).add_(torch.sigmoid(i) * torch.tanh(g))
        else:
            c_t = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
            {"h_prev": h_prev, "W_x": W_x, "b": b}[in_place].zero_()
        return torch.sigmoid(o) * torch.tanh(c_t), c_t

    ok, out = _verdict(capsys, changes)
    assert not ok and "in place" in out and in_place in out, out


@pytest.mark.parametrize("wrong", [
    lambda *a: lstm_step(*a)[0],  # h_t alone
    lambda *a: tuple(t.squeeze() for t in lstm_step(*a)),  # a batch of 1 loses its axis
    lambda *a: torch.stack(lstm_step(*a)),
    lambda *a: None,
    lambda *a: (lstm_step(*a)[0], lstm_step(*a)[0]),
    lambda x_t, h_prev, c_prev, W_x, W_h, b: lstm_step(x_t, h_prev, c_prev, W_x, W_h, b, order="iofg")[::-1],
])
def test_other_wrong_answers_are_refused(capsys, wrong):
    ok, out = _verdict(capsys, wrong)
    assert not ok and out.startswith("✗"), out


def test_a_float32_state_of_its_own_gets_a_dtype_hint(capsys):
    def own_state(x_t, h_prev, c_prev, W_x, W_h, b):
        z = x_t @ W_x.T + torch.zeros(h_prev.shape) @ W_h.T + b
        return z, z

    ok, out = _verdict(capsys, own_state)
    assert not ok and "float64" in out, out
