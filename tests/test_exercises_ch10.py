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
