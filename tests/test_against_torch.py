"""Every from-scratch cell computes what torch.nn computes: outputs, states and gradients."""

import pytest
import torch
from torch import nn

from lstm_tutorial import GRUCell, LSTMCell, PeepholeLSTMCell, RNNCell, unroll

TOL = {torch.float64: dict(atol=1e-10, rtol=0), torch.float32: dict(atol=1e-5, rtol=1e-5)}

# (our cell, torch sequence module, torch cell module, number of state tensors)
KINDS = {
    "lstm": (LSTMCell, nn.LSTM, nn.LSTMCell, 2),
    "gru": (GRUCell, nn.GRU, nn.GRUCell, 1),
    "rnn": (RNNCell, nn.RNN, nn.RNNCell, 1),
}


def random_sizes(seed):
    g = torch.Generator().manual_seed(seed)
    batch, time, inputs, hidden = (int(v) for v in torch.randint(1, 9, (4,), generator=g))
    return batch, time, inputs, hidden


def randomise_biases(module):
    # PyTorch's init draws small biases; make them clearly non-zero so a dropped bias shows.
    with torch.no_grad():
        for name, p in module.named_parameters():
            if "bias" in name:
                p.uniform_(-1.0, 1.0)


def torch_state(n_states, batch, hidden, dtype, layer_axis):
    shape = (1, batch, hidden) if layer_axis else (batch, hidden)
    states = tuple(torch.randn(*shape, dtype=dtype) for _ in range(n_states))
    return states


def as_ours(states):
    squeezed = tuple(s[0] if s.dim() == 3 else s for s in states)
    return squeezed if len(squeezed) > 1 else squeezed[0]


def as_torch(states):
    return states if len(states) > 1 else states[0]


def flat(state):
    return state if isinstance(state, tuple) else (state,)


def check_grads(ours, theirs, prefix, tol):
    """Our (weight_x, weight_h, biases) against torch's (weight_ih, weight_hh, bias_ih, bias_hh)."""
    w_ih, w_hh = getattr(theirs, "weight_ih" + prefix), getattr(theirs, "weight_hh" + prefix)
    torch.testing.assert_close(ours.weight_x.grad, w_ih.grad, **tol)
    torch.testing.assert_close(ours.weight_h.grad, w_hh.grad, **tol)
    if ours.bias is None:
        return
    b_ih, b_hh = getattr(theirs, "bias_ih" + prefix), getattr(theirs, "bias_hh" + prefix)
    if isinstance(ours, GRUCell):
        torch.testing.assert_close(ours.bias.grad, b_ih.grad, **tol)
        torch.testing.assert_close(ours.bias_h.grad, b_hh.grad, **tol)
    else:
        # one bias stands for two that are only ever added, so it gets each one's gradient
        torch.testing.assert_close(ours.bias.grad, b_ih.grad, **tol)
        torch.testing.assert_close(ours.bias.grad, b_hh.grad, **tol)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", KINDS)
def test_sequence_module(kind, seed, bias, dtype):
    ours_cls, seq_cls, _, n_states = KINDS[kind]
    batch, time, inputs, hidden = random_sizes(seed)
    theirs = seq_cls(inputs, hidden, bias=bias, batch_first=True).to(dtype)
    randomise_biases(theirs)
    ours = ours_cls.from_torch(theirs)
    assert ours.weight_h.dtype == dtype

    x = torch.randn(batch, time, inputs, dtype=dtype)
    x_ours, x_theirs = x.clone().requires_grad_(), x.clone().requires_grad_()
    state = torch_state(n_states, batch, hidden, dtype, layer_axis=True)

    out_theirs, state_theirs = theirs(x_theirs, as_torch(state))
    out_ours, state_ours = unroll(ours, x_ours, as_ours(state))

    tol = TOL[dtype]
    torch.testing.assert_close(out_ours, out_theirs, **tol)
    for mine, its in zip(flat(state_ours), flat(state_theirs), strict=True):
        torch.testing.assert_close(mine, its[0], **tol)

    # a loss that weighs every output and every final state differently
    mine = (out_ours, *flat(state_ours))
    its = (out_theirs, *(s[0] for s in flat(state_theirs)))
    weights = [torch.randn_like(t) for t in mine]
    loss_ours = sum((w * t).sum() for w, t in zip(weights, mine, strict=True))
    loss_theirs = sum((w * t).sum() for w, t in zip(weights, its, strict=True))
    loss_ours.backward()
    loss_theirs.backward()
    torch.testing.assert_close(x_ours.grad, x_theirs.grad, **tol)
    check_grads(ours, theirs, "_l0", tol)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", KINDS)
def test_cell_module(kind, seed, dtype):
    ours_cls, _, cell_cls, n_states = KINDS[kind]
    batch, time, inputs, hidden = random_sizes(seed + 100)
    theirs = cell_cls(inputs, hidden).to(dtype)
    randomise_biases(theirs)
    ours = ours_cls.from_torch(theirs)

    xs = torch.randn(time, batch, inputs, dtype=dtype)
    state_ours = as_ours(torch_state(n_states, batch, hidden, dtype, layer_axis=False))
    state_theirs = state_ours
    loss_ours = loss_theirs = 0.0
    tol = TOL[dtype]
    for x_t in xs:
        state_ours = ours(x_t, state_ours)
        state_theirs = theirs(x_t, state_theirs)
        for mine, its in zip(flat(state_ours), flat(state_theirs), strict=True):
            torch.testing.assert_close(mine, its, **tol)
        w = torch.randn(batch, hidden, dtype=dtype)
        loss_ours = loss_ours + (w * flat(state_ours)[0]).sum()
        loss_theirs = loss_theirs + (w * flat(state_theirs)[0]).sum()
    loss_ours.backward()
    loss_theirs.backward()
    check_grads(ours, theirs, "", tol)


def test_relu_rnn_is_loaded_with_its_nonlinearity():
    theirs = nn.RNN(3, 4, nonlinearity="relu", batch_first=True).double()
    ours = RNNCell.from_torch(theirs)
    assert ours.nonlinearity == "relu"
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    torch.testing.assert_close(unroll(ours, x)[0], theirs(x)[0], atol=1e-10, rtol=0)


def test_cell_without_state_starts_from_zeros():
    theirs = nn.LSTMCell(3, 4).double()
    ours = LSTMCell.from_torch(theirs)
    x_t = torch.randn(5, 3, dtype=torch.float64)
    for mine, its in zip(ours(x_t), theirs(x_t), strict=True):
        torch.testing.assert_close(mine, its, atol=1e-10, rtol=0)


def test_peephole_with_closed_peepholes_is_the_lstm():
    theirs = nn.LSTM(3, 6, batch_first=True).double()
    randomise_biases(theirs)
    peep = PeepholeLSTMCell.from_torch(theirs)
    x = torch.randn(4, 9, 3, dtype=torch.float64)
    out, (h, c) = unroll(peep, x)
    out_t, (h_t, c_t) = theirs(x)
    torch.testing.assert_close(out, out_t, atol=1e-10, rtol=0)
    torch.testing.assert_close(c, c_t[0], atol=1e-10, rtol=0)


def test_open_peepholes_change_the_output():
    theirs = nn.LSTM(3, 6, batch_first=True).double()
    peep = PeepholeLSTMCell.from_torch(theirs)
    with torch.no_grad():
        peep.p_f.fill_(2.0)
    x = torch.randn(4, 9, 3, dtype=torch.float64)
    assert (unroll(peep, x)[0] - theirs(x)[0]).abs().max() > 1e-3


@pytest.mark.parametrize("kind", KINDS)
def test_to_torch_computes_the_same_function(kind):
    ours_cls = KINDS[kind][0]
    ours = ours_cls(3, 5).double()
    if isinstance(ours, RNNCell):
        ours = RNNCell(3, 5, nonlinearity="relu").double()
    theirs = ours.to_torch()
    assert theirs.batch_first and theirs.weight_hh_l0.dtype == torch.float64
    x = torch.randn(4, 6, 3, dtype=torch.float64)
    torch.testing.assert_close(theirs(x)[0], unroll(ours, x)[0], atol=1e-10, rtol=0)
    back = ours_cls.from_torch(theirs)
    torch.testing.assert_close(unroll(back, x)[0], unroll(ours, x)[0], atol=1e-10, rtol=0)


def test_to_torch_keeps_the_forget_bias():
    theirs = LSTMCell(2, 3, forget_bias=3.0).to_torch()
    torch.testing.assert_close((theirs.bias_ih_l0 + theirs.bias_hh_l0)[3:6], torch.full((3,), 3.0))


def test_open_peepholes_cannot_become_an_nn_lstm():
    with pytest.raises(ValueError, match="expected p_i, p_f and p_o all zero, got non-zero"):
        PeepholeLSTMCell(2, 3).to_torch()
    closed = PeepholeLSTMCell.from_torch(nn.LSTM(2, 3))
    assert isinstance(closed.to_torch(), nn.LSTM)
