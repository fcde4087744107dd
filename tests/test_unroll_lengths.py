"""``unroll(cell, x, lengths=...)`` against torch.nn on a packed batch.

For the LSTM, the GRU and both RNNs: random sizes, rows in no particular order, anything at all
(NaN and inf included) in the padding. Outputs, final states and every gradient must equal what
nn.LSTM / nn.GRU / nn.RNN compute on ``pack_padded_sequence(..., enforce_sorted=False)``: to
1e-10 in float64 and to float32's rounding in float32."""

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from lstm_tutorial import GRUCell, LSTMCell, RNNCell, unroll

KINDS = {
    "lstm": (nn.LSTM, LSTMCell, {}),
    "gru": (nn.GRU, GRUCell, {}),
    "rnn-tanh": (nn.RNN, RNNCell, {"nonlinearity": "tanh"}),
    "rnn-relu": (nn.RNN, RNNCell, {"nonlinearity": "relu"}),
}
TOLERANCE = {torch.float64: {"atol": 1e-10, "rtol": 1e-10}, torch.float32: {"atol": 1e-5, "rtol": 1e-5}}


def padded_batch(gen, batch, time, features, dtype, garbage=True):
    """x (batch, time, features) and lengths in random order, at least one row of full length
    and one of length 1 when batch > 1; the padding holds huge values, NaN and inf."""
    lengths = torch.randint(1, time + 1, (batch,), generator=gen)
    lengths[torch.randint(0, batch, (1,), generator=gen)] = time
    if batch > 1:
        lengths[(torch.argmax(lengths) + 1) % batch] = 1
    x = torch.randn(batch, time, features, generator=gen, dtype=dtype)
    if garbage:
        pad = torch.arange(time) >= lengths.unsqueeze(1)
        junk = 1e6 * torch.randn(batch, time, features, generator=gen, dtype=dtype)
        junk[..., 0] = float("nan")
        if features > 1:
            junk[..., 1] = float("inf")
        x = torch.where(pad.unsqueeze(2), junk, x)
    return x, lengths


def torch_run(module, x, lengths, state=None):
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, final = module(packed, state)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return out, final


def layer_first(state):
    """Our state (batch, H) as torch.nn's (1, batch, H)."""
    if isinstance(state, tuple):
        return tuple(s.unsqueeze(0) for s in state)
    return state.unsqueeze(0)


def flat(state):
    return list(state) if isinstance(state, tuple) else [state]


def sizes(seed):
    gen = torch.Generator().manual_seed(seed)
    batch, time, features, hidden = (int(torch.randint(lo, hi, (1,), generator=gen))
                                     for lo, hi in [(1, 7), (1, 9), (1, 5), (1, 6)])
    return gen, batch, time, features, hidden


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(6))
def test_lengths_match_packed_torch_nn(kind, seed, dtype):
    torch_kind, our_kind, options = KINDS[kind]
    gen, batch, time, features, hidden = sizes(seed)
    module = torch_kind(features, hidden, batch_first=True, dtype=dtype, **options)
    cell = our_kind.from_torch(module)
    x, lengths = padded_batch(gen, batch, time, features, dtype)
    given_state = seed % 2 == 1  # half the cases start from a state of their own
    start = None
    if given_state:
        start = tuple(torch.randn(batch, hidden, generator=gen, dtype=dtype) for _ in our_kind.state_names)
        start = start if len(start) > 1 else start[0]

    x_ours, x_theirs = x.clone().requires_grad_(), x.clone().requires_grad_()
    ours, ours_final = unroll(cell, x_ours, start, lengths=lengths)
    theirs, theirs_final = torch_run(module, x_theirs, lengths, layer_first(start) if given_state else None)
    tol = TOLERANCE[dtype]
    torch.testing.assert_close(ours, theirs, **tol)
    pad = torch.arange(time) >= lengths.unsqueeze(1)
    assert torch.equal(ours[pad], torch.zeros_like(ours[pad])), "padded outputs must be exactly 0"
    for a, b in zip(flat(ours_final), flat(theirs_final), strict=True):
        torch.testing.assert_close(a, b[0], **tol)

    # gradients: a loss that weighs every output and every final state differently
    w_out = torch.randn(ours.shape, generator=gen, dtype=dtype)
    w_final = [torch.randn(batch, hidden, generator=gen, dtype=dtype) for _ in flat(ours_final)]

    def loss(out, final, squeeze):
        parts = [f[0] if squeeze else f for f in flat(final)]
        return (out * w_out).sum() + sum((f * w).sum() for f, w in zip(parts, w_final, strict=True))

    ours_params = list(cell.parameters())
    theirs_params = list(module.parameters())
    g_ours = torch.autograd.grad(loss(ours, ours_final, False), [x_ours, *ours_params])
    g_theirs = torch.autograd.grad(loss(theirs, theirs_final, True), [x_theirs, *theirs_params])
    assert torch.isfinite(g_ours[0]).all(), "no NaN from the padding may reach a gradient"
    assert torch.equal(g_ours[0][pad], torch.zeros_like(g_ours[0][pad])), "the padding gets no gradient"
    torch.testing.assert_close(g_ours[0].nan_to_num(), g_theirs[0].nan_to_num(), **tol)
    # our one bias is torch's two added: its gradient is the gradient of either
    g_w_x, g_w_h, *g_b = g_ours[1:]
    g_w_ih, g_w_hh, *g_torch_b = g_theirs[1:]
    torch.testing.assert_close(g_w_x, g_w_ih, **tol)
    torch.testing.assert_close(g_w_h, g_w_hh, **tol)
    if kind == "gru":  # the GRU keeps b_hn apart: bias = b_ih (+ b_hh for r, z), bias_h = b_hh
        torch.testing.assert_close(g_b[0], g_torch_b[0], **tol)
        torch.testing.assert_close(g_b[1], g_torch_b[1], **tol)
    else:
        torch.testing.assert_close(g_b[0], g_torch_b[0], **tol)
        torch.testing.assert_close(g_b[0], g_torch_b[1], **tol)


@pytest.mark.parametrize("kind", KINDS)
def test_full_lengths_change_nothing(kind):
    torch_kind, our_kind, options = KINDS[kind]
    cell = our_kind.from_torch(torch_kind(3, 4, batch_first=True, dtype=torch.float64, **options))
    x = torch.randn(5, 7, 3, dtype=torch.float64)
    plain, plain_final = unroll(cell, x)
    masked, masked_final = unroll(cell, x, lengths=[7] * 5)
    assert torch.equal(plain, masked)
    for a, b in zip(flat(plain_final), flat(masked_final), strict=True):
        assert torch.equal(a, b)


def test_each_row_equals_running_it_alone():
    """The definition, with no torch.nn in sight: a row of length L is that row's first L steps."""
    cell = LSTMCell(2, 3).double()
    x = torch.randn(4, 6, 2, dtype=torch.float64)
    lengths = [6, 1, 4, 2]
    out, (h_n, c_n) = unroll(cell, x, lengths=lengths)
    for row, length in enumerate(lengths):
        alone, (h, c) = unroll(cell, x[row:row + 1, :length])
        torch.testing.assert_close(out[row, :length], alone[0], atol=1e-12, rtol=0)
        assert torch.equal(out[row, length:], torch.zeros(6 - length, 3, dtype=torch.float64))
        torch.testing.assert_close(h_n[row], h[0], atol=1e-12, rtol=0)
        torch.testing.assert_close(c_n[row], c[0], atol=1e-12, rtol=0)


def test_lengths_as_list_tuple_and_tensor_agree():
    cell = GRUCell(2, 3).double()
    x = torch.randn(3, 5, 2, dtype=torch.float64)
    results = [unroll(cell, x, lengths=form)[0] for form in
               ([5, 2, 3], (5, 2, 3), torch.tensor([5, 2, 3]), torch.tensor([5, 2, 3], dtype=torch.int32))]
    for r in results[1:]:
        assert torch.equal(results[0], r)


@pytest.mark.parametrize(
    ("lengths", "message"),
    [
        ([3, 2], r"one length per row of x \(batch=3\), each an int between 1 and time=5; got 2 lengths"),
        ([3, 2, 4, 1], r"one length per row of x \(batch=3\).*got 4 lengths"),
        ([3, 0, 2], r"between 1 and time=5; got 0 for row 1"),
        ([3, 6, 2], r"between 1 and time=5; got 6 for row 1"),
        ([3, -1, 2], r"got -1 for row 1"),
        ([3.0, 2, 1], r"expected lengths as ints.*got 3.0 \(float\)"),
        ([True, 2, 1], r"expected lengths as ints.*got True \(bool\)"),
        (torch.tensor([3.0, 2.0, 1.0]), r"integer dtype.*got torch.float32"),
        (torch.tensor([[3, 2, 1]]), r"1-D tensor or a list.*got a 2-D tensor of shape \(1, 3\)"),
        ("3, 2, 1", r"a list of ints or a 1-D tensor.*got str"),
    ],
    ids=["too-few", "too-many", "zero", "too-long", "negative", "float", "bool", "float-tensor", "2-D", "str"],
)
def test_bad_lengths_say_what_was_expected_and_given(lengths, message):
    cell = LSTMCell(2, 3)
    with pytest.raises(ValueError, match=message):
        unroll(cell, torch.randn(3, 5, 2), lengths=lengths)
