"""The depth-gated LSTM: a two-layer nn.LSTM when its depth gate is closed, something more
when it is open, and the book's usual errors."""

import re

import pytest
import torch
from torch import nn

from lstm_tutorial import SequenceModel, record_gates, unroll
from lstm_tutorial.depth_gated import CLOSED_GATE_BIAS, DepthGatedLSTM

D = torch.float64


def load_by_hand(module: nn.LSTM) -> DepthGatedLSTM:
    """The module's weights copied into a DepthGatedLSTM without ``from_torch``."""
    cell = DepthGatedLSTM(module.input_size, module.hidden_size).double()
    with torch.no_grad():
        cell.weight_x.copy_(module.weight_ih_l0)
        cell.weight_h.copy_(module.weight_hh_l0)
        cell.bias.copy_(module.bias_ih_l0 + module.bias_hh_l0)
        cell.weight_x2.copy_(module.weight_ih_l1)
        cell.weight_h2.copy_(module.weight_hh_l1)
        cell.bias2.copy_(module.bias_ih_l1 + module.bias_hh_l1)
        cell.weight_xd.zero_()
        cell.w_cd.zero_()
        cell.w_ld.zero_()
        cell.bias_d.fill_(-50.0)
    return cell


@pytest.mark.parametrize("load", [load_by_hand, DepthGatedLSTM.from_torch], ids=["by hand", "from_torch"])
def test_closed_depth_gate_is_a_two_layer_nn_lstm(load):
    torch_lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True, dtype=D)
    cell = load(torch_lstm)
    x = torch.randn(4, 11, 3, dtype=D)
    h0 = torch.randn(2, 4, 5, dtype=D)
    c0 = torch.randn(2, 4, 5, dtype=D)
    out_torch, (h_n, c_n) = torch_lstm(x, (h0, c0))
    out_ours, state = unroll(cell, x, (h0[0], c0[0], h0[1], c0[1]))
    torch.testing.assert_close(out_ours, out_torch, rtol=0, atol=1e-10)
    for ours, theirs in zip(state, (h_n[0], c_n[0], h_n[1], c_n[1]), strict=True):
        torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-10)


def test_closed_depth_gate_has_nn_lstm_gradients():
    torch_lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True, dtype=D)
    cell = DepthGatedLSTM.from_torch(torch_lstm)
    x = torch.randn(4, 9, 3, dtype=D)
    (torch_lstm(x)[0] ** 2).sum().backward()
    (unroll(cell, x)[0] ** 2).sum().backward()
    pairs = [
        (cell.weight_x, torch_lstm.weight_ih_l0),
        (cell.weight_h, torch_lstm.weight_hh_l0),
        (cell.bias, torch_lstm.bias_ih_l0),
        (cell.weight_x2, torch_lstm.weight_ih_l1),
        (cell.weight_h2, torch_lstm.weight_hh_l1),
        (cell.bias2, torch_lstm.bias_hh_l1),
    ]
    for ours, theirs in pairs:
        torch.testing.assert_close(ours.grad, theirs.grad, rtol=0, atol=1e-10)


def test_to_torch_gives_back_the_stack():
    torch_lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True, dtype=D)
    again = DepthGatedLSTM.from_torch(torch_lstm).to_torch()
    x = torch.randn(2, 6, 3, dtype=D)
    torch.testing.assert_close(again(x)[0], torch_lstm(x)[0], rtol=0, atol=1e-12)


def test_an_open_gate_changes_the_output_and_gets_gradients():
    cell = DepthGatedLSTM(3, 5).double()
    closed = DepthGatedLSTM(3, 5).double()
    closed.load_state_dict(cell.state_dict())
    closed.close_depth_gate()
    x = torch.randn(4, 8, 3, dtype=D)
    out, _ = unroll(cell, x)
    assert (out - unroll(closed, x)[0]).abs().max() > 1e-3
    (out**2).sum().backward()
    for name in ("weight_xd", "w_cd", "w_ld", "bias_d"):
        grad = getattr(cell, name).grad
        assert grad is not None and grad.abs().max() > 1e-6, f"no gradient reaches the depth gate's {name}"


def test_recorded_values_satisfy_the_equations():
    cell = DepthGatedLSTM(3, 5).double()
    x = torch.randn(2, 7, 3, dtype=D)
    with record_gates(cell) as g:
        out, state = unroll(cell, x)
    assert {"d", "c1", "c2", "h", "h1"} <= set(g)
    torch.testing.assert_close(g["h"], out)
    c2_prev = torch.cat([torch.zeros(2, 1, 5, dtype=D), g["c2"][:, :-1]], dim=1)
    torch.testing.assert_close(g["c2"], g["d"] * g["c1"] + g["f2"] * c2_prev + g["i2"] * g["g2"])
    torch.testing.assert_close(g["h"], g["o2"] * torch.tanh(g["c2"]))
    # d_t depends on c2_{t-1} and c1_t through its diagonal weights
    h1, c1 = g["h1"], g["c1"]
    pre = h1 @ cell.weight_xd.T + cell.bias_d + cell.w_cd * c2_prev + cell.w_ld * c1
    torch.testing.assert_close(g["d"], torch.sigmoid(pre))
    torch.testing.assert_close(state[3], g["c2"][:, -1])


def test_works_in_a_sequence_model():
    model = SequenceModel(DepthGatedLSTM(2, 4), 1, readout="last")
    assert model(torch.randn(3, 5, 2)).shape == (3, 1)


def test_closing_needs_a_bias():
    with pytest.raises(ValueError, match="expected bias=True, got bias=False"):
        DepthGatedLSTM(3, 5, bias=False).close_depth_gate()


def test_closed_gate_value():
    assert torch.sigmoid(torch.tensor(CLOSED_GATE_BIAS, dtype=D)) < 1e-20


def test_wrong_input_size():
    with pytest.raises(ValueError, match=re.escape("expected x_t of shape (batch, input_size=3), got (2, 4)")):
        DepthGatedLSTM(3, 5)(torch.randn(2, 4))
    with pytest.raises(ValueError, match=re.escape("got (2, 7, 4): 4 features instead of 3")):
        unroll(DepthGatedLSTM(3, 5), torch.randn(2, 7, 4))


def test_state_count_names_the_four_states():
    cell = DepthGatedLSTM(3, 5)
    expected = "DepthGatedLSTM expected its state as a tuple (h1, c1, h2, c2), got a tuple of 2"
    with pytest.raises(ValueError, match=re.escape(expected)):
        cell(torch.randn(2, 3), (torch.zeros(2, 5), torch.zeros(2, 5)))


def test_wrong_state_shape():
    cell = DepthGatedLSTM(3, 5)
    state = (torch.zeros(2, 5), torch.zeros(2, 5), torch.zeros(2, 5), torch.zeros(2, 6))
    with pytest.raises(ValueError, match=re.escape("expected state c2 of shape (batch=2, hidden_size=5), got (2, 6)")):
        cell(torch.randn(2, 3), state)


@pytest.mark.parametrize("size", [0, -1, 2.5, True])
def test_bad_sizes(size):
    with pytest.raises(ValueError, match=rf"hidden_size must be a positive int, got {re.escape(repr(size))}"):
        DepthGatedLSTM(3, size)


@pytest.mark.parametrize(
    "module, found",
    [
        (nn.LSTM(3, 5), "num_layers=1"),
        (nn.LSTM(3, 5, num_layers=2, bidirectional=True), "bidirectional=True"),
        (nn.LSTM(3, 5, num_layers=2, bias=False), "bias=False"),
    ],
)
def test_from_torch_refuses_other_stacks(module, found):
    expected = rf"expected num_layers=2, bidirectional=False, proj_size=0, bias=True; got {found}"
    with pytest.raises(ValueError, match=expected):
        DepthGatedLSTM.from_torch(module)


def test_from_torch_wrong_kind():
    with pytest.raises(ValueError, match="expected nn.LSTM, got GRU"):
        DepthGatedLSTM.from_torch(nn.GRU(3, 5, num_layers=2))


def test_to_torch_refuses_an_open_gate():
    with pytest.raises(ValueError, match="expected a closed gate .* got an open one"):
        DepthGatedLSTM(3, 5).to_torch()
