"""The claims of chapter 13 about the GRU, over many sizes: the paper's form against PyTorch's
(where the reset gate acts), which way the update gate points, and the parameter counts."""

import copy
import itertools

import pytest
import torch
from torch import nn

from lstm_tutorial import GRUCell, LSTMCell, RNNCell, record_gates, unroll

SIZES = [(1, 1), (3, 5), (8, 2), (4, 16)]
F64 = {"dtype": torch.float64}


def paper_gru_step(x_t, h_prev, cell):
    """One GRU step in the form of Cho et al. (2014): the reset gate scales h_{t-1} *before* the
    candidate's hidden weights; the biases are the cell's, all outside the reset."""
    x_r, x_z, x_n = cell.project(x_t).chunk(3, dim=1)
    U_r, U_z, U_n = cell.weight_h.chunk(3, dim=0)
    b_r, b_z, b_n = cell.bias_h.chunk(3)
    r = torch.sigmoid(x_r + h_prev @ U_r.T + b_r)
    z = torch.sigmoid(x_z + h_prev @ U_z.T + b_z)
    n = torch.tanh(x_n + (r * h_prev) @ U_n.T + b_n)
    return (1 - z) * n + z * h_prev


def random_step(input_size, hidden_size, batch=6):
    cell = GRUCell(input_size, hidden_size).double()
    return cell, torch.randn(batch, input_size, **F64), torch.randn(batch, hidden_size, **F64)


def gru_params(n_in, H, bias=True):
    return 3 * (H * (n_in + H) + (2 * H if bias else 0))


def lstm_params(n_in, H, biases=1):
    return 4 * (H * (n_in + H) + biases * H)


def count(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize(("n_in", "H"), SIZES)
def test_paper_form_matches_the_definition_when_written_out(n_in, H):
    """paper_gru_step is the paper's equations: check it against a per-unit loop."""
    cell, x, h = random_step(n_in, H, batch=2)
    W_x, U, b_x, b_h = cell.weight_x, cell.weight_h, cell.bias, cell.bias_h
    with torch.no_grad():
        got = paper_gru_step(x, h, cell)
        for k in range(2):
            pre = W_x @ x[k] + b_x + b_h
            r = torch.sigmoid(pre[:H] + U[:H] @ h[k])
            z = torch.sigmoid(pre[H:2 * H] + U[H:2 * H] @ h[k])
            n = torch.tanh(pre[2 * H:] + U[2 * H:] @ (r * h[k]))
            torch.testing.assert_close(got[k], z * h[k] + (1 - z) * n)


@pytest.mark.parametrize(("n_in", "H"), [s for s in SIZES if s[1] > 1])
def test_paper_form_differs_from_pytorchs(n_in, H):
    cell, x, h = random_step(n_in, H)
    with torch.no_grad():
        assert (paper_gru_step(x, h, cell) - cell(x, h)).abs().max() > 1e-3


@pytest.mark.parametrize(("n_in", "H"), SIZES)
def test_forms_agree_when_the_reset_gate_is_open(n_in, H):
    cell, x, h = random_step(n_in, H)
    with torch.no_grad():
        cell.bias[:H] = 50.0  # sigma(50 + small) rounds to 1 in double precision
        with record_gates(cell) as g:
            ours = cell(x, h)
        assert (g["r"] == 1).all()
        assert (paper_gru_step(x, h, cell) - ours).abs().max() < 1e-12


@pytest.mark.parametrize(("n_in", "H"), SIZES)
def test_forms_agree_for_a_diagonal_candidate_matrix_without_b_hn(n_in, H):
    cell, x, h = random_step(n_in, H)
    with torch.no_grad():
        cell.weight_h[2 * H:] = torch.diag(torch.randn(H, **F64))
        cell.bias_h[2 * H:] = 0.0
        assert (paper_gru_step(x, h, cell) - cell(x, h)).abs().max() < 1e-12
        # ... and b_hn alone breaks the agreement again, by (1 - r) * b_hn inside the tanh
        cell.bias_h[2 * H:] = 1.0
        assert (paper_gru_step(x, h, cell) - cell(x, h)).abs().max() > 1e-6


@pytest.mark.parametrize(("n_in", "H"), SIZES)
def test_forms_agree_from_the_zero_state_without_b_hn(n_in, H):
    cell, x, _ = random_step(n_in, H)
    zero = torch.zeros(x.shape[0], H, **F64)
    with torch.no_grad():
        cell.bias_h[2 * H:] = 0.0
        assert (paper_gru_step(x, zero, cell) - cell(x, zero)).abs().max() < 1e-12


@pytest.mark.parametrize(("n_in", "H"), SIZES)
def test_update_gate_one_keeps_the_state(n_in, H):
    """PyTorch's convention (and the paper's): z = 1 keeps h_{t-1}, z = 0 takes the candidate."""
    cell, x, h = random_step(n_in, H)
    with torch.no_grad():
        cell.bias[H:2 * H] = 50.0
        assert torch.equal(cell(x, h), h)
        cell.bias[H:2 * H] = -50.0
        with record_gates(cell) as g:
            out = cell(x, h)
        torch.testing.assert_close(out, g["n"][:, 0], rtol=0, atol=1e-12)


@pytest.mark.parametrize(("n_in", "H"), SIZES)
def test_swapped_convention_is_the_same_model_with_the_update_gate_negated(n_in, H):
    """Chung et al. (2014) write h = (1 - z) h_prev + z n: negating the z rows turns z into 1 - z."""
    cell, x, h = random_step(n_in, H)
    flipped = copy.deepcopy(cell)
    with torch.no_grad():
        for p in (flipped.weight_x, flipped.weight_h, flipped.bias, flipped.bias_h):
            p[H:2 * H] *= -1
        with record_gates(cell) as g, record_gates(flipped) as f:
            ours = cell(x, h)
            flipped(x, h)
        torch.testing.assert_close(f["z"], 1 - g["z"], rtol=0, atol=1e-12)
        swapped = (1 - f["z"][:, 0]) * h + f["z"][:, 0] * f["n"][:, 0]
        assert (swapped - ours).abs().max() < 1e-12
        # without the negation the swapped formula is a different function
        unflipped = (1 - g["z"][:, 0]) * h + g["z"][:, 0] * g["n"][:, 0]
        assert (unflipped - ours).abs().max() > 1e-6


@pytest.mark.parametrize(("n_in", "H"), SIZES)
def test_gru_with_reset_open_and_update_shut_is_a_tanh_rnn(n_in, H):
    gru, rnn = GRUCell(n_in, H).double(), RNNCell(n_in, H).double()
    with torch.no_grad():
        gru.bias[:H] = 50.0
        gru.bias[H:2 * H] = -50.0
        rnn.weight_x.copy_(gru.weight_x[2 * H:])
        rnn.weight_h.copy_(gru.weight_h[2 * H:])
        rnn.bias.copy_(gru.bias[2 * H:] + gru.bias_h[2 * H:])
        x = torch.randn(3, 15, n_in, **F64)
        assert (unroll(gru, x)[0] - unroll(rnn, x)[0]).abs().max() < 1e-12


@pytest.mark.parametrize(("n_in", "H"), list(itertools.product([1, 2, 7, 30], [1, 3, 32, 65])))
def test_parameter_counts(n_in, H):
    """3 blocks with two biases each for the GRU; 4 blocks for the LSTM, with one bias per block
    in the book's cell and two in nn.LSTM."""
    assert count(GRUCell(n_in, H)) == count(nn.GRU(n_in, H)) == count(nn.GRUCell(n_in, H)) == gru_params(n_in, H)
    assert count(GRUCell(n_in, H, bias=False)) == count(nn.GRU(n_in, H, bias=False)) == gru_params(n_in, H, bias=False)
    assert count(LSTMCell(n_in, H)) == lstm_params(n_in, H)
    assert count(nn.LSTM(n_in, H)) == count(nn.LSTMCell(n_in, H)) == lstm_params(n_in, H, biases=2)
    assert count(LSTMCell(n_in, H, bias=False)) == count(nn.LSTM(n_in, H, bias=False)) == lstm_params(n_in, H, biases=0)
    # exactly 3/4 of nn.LSTM, with or without biases
    assert 4 * gru_params(n_in, H) == 3 * lstm_params(n_in, H, biases=2)


def test_from_torch_matches_nn_gru_from_a_given_state():
    torch_gru = nn.GRU(5, 7, batch_first=True, **F64)
    cell = GRUCell.from_torch(torch_gru)
    x, h0 = torch.randn(4, 12, 5, **F64), torch.randn(4, 7, **F64)
    out_torch, h_torch = torch_gru(x, h0.unsqueeze(0))
    out_ours, h_ours = unroll(cell, x, h0)
    assert (out_ours - out_torch).abs().max() < 1e-12
    assert (h_ours - h_torch[0]).abs().max() < 1e-12
