"""The clockwork RNN: a plain RNN when every module ticks at every step; modules that rest
between ticks; slow-to-fast recurrent connections only; the book's usual errors."""

import re

import pytest
import torch

from lstm_tutorial import RNNCell, SequenceModel, record_gates, unroll
from lstm_tutorial.clockwork import ClockworkRNN, update_schedule

D = torch.float64


def test_all_periods_one_is_a_plain_tanh_rnn():
    cw = ClockworkRNN(3, 8, periods=(1, 1, 1, 1)).double()
    assert bool((cw.mask == 1).all()), "modules of equal period must all feed each other"
    rnn = RNNCell(3, 8).double()
    with torch.no_grad():
        cw.weight_x.copy_(rnn.weight_x)
        cw.weight_h.copy_(rnn.weight_h)
        cw.bias.copy_(rnn.bias)
    x = torch.randn(4, 13, 3, dtype=D)
    h0 = torch.randn(4, 8, dtype=D)
    out_cw, (h_cw, t) = unroll(cw, x, (h0, torch.zeros(4, dtype=torch.long)))
    out_rnn, h_rnn = unroll(rnn, x, h0)
    torch.testing.assert_close(out_cw, out_rnn, rtol=0, atol=1e-12)
    torch.testing.assert_close(h_cw, h_rnn, rtol=0, atol=1e-12)
    assert t.tolist() == [13] * 4


def reference(cw, x):
    """The clockwork RNN written out module by module, from the paper's description."""
    periods, k = cw.periods, cw.module_size
    h = x.new_zeros(x.shape[0], cw.hidden_size)
    outputs = []
    for t in range(x.shape[1]):
        new = h.clone()
        for i, period_i in enumerate(periods):
            if t % period_i:
                continue
            rows = slice(i * k, (i + 1) * k)
            z = x[:, t] @ cw.weight_x[rows].T + cw.bias[rows]
            for j, period_j in enumerate(periods):
                if period_j >= period_i:  # only as slow or slower modules feed module i
                    cols = slice(j * k, (j + 1) * k)
                    z = z + h[:, cols] @ cw.weight_h[rows, cols].T
            new[:, rows] = torch.tanh(z)
        h = new
        outputs.append(h)
    return torch.stack(outputs, dim=1)


@pytest.mark.parametrize("periods", [(1, 2, 4, 8), (8, 1, 3), (2,)])
def test_matches_a_module_by_module_reference(periods):
    cw = ClockworkRNN(2, 2 * len(periods), periods=periods).double()
    with torch.no_grad():  # fill the masked entries too: the step must ignore them
        cw.weight_h.copy_(torch.randn_like(cw.weight_h))
    x = torch.randn(3, 17, 2, dtype=D)
    torch.testing.assert_close(unroll(cw, x)[0], reference(cw, x), rtol=0, atol=1e-12)


def test_a_module_changes_only_at_its_ticks():
    periods = (1, 2, 4, 8)
    cw = ClockworkRNN(2, 12, periods=periods).double()
    x = torch.randn(2, 25, 2, dtype=D)
    with record_gates(cw) as g:
        unroll(cw, x)
    h = g["h"]  # (batch, time, units)
    moved = (h[:, 1:] - h[:, :-1]).abs().amax(dim=0)  # (time - 1, units): step t = 1 .. 24
    for k, period in enumerate(periods):
        units = slice(3 * k, 3 * (k + 1))
        for t in range(1, 25):
            change = moved[t - 1, units].max().item()
            if t % period:
                assert change == 0, f"module with period {period} changed at step {t}"
            else:
                assert change > 1e-8, f"module with period {period} did not update at step {t}"
    schedule = update_schedule(periods, 25)  # (modules, steps)
    expected = schedule.repeat_interleave(3, dim=0).T.to(D)  # (steps, units)
    torch.testing.assert_close(g["active"], expected.expand(2, -1, -1))


def test_slow_modules_feed_fast_ones_only():
    cw = ClockworkRNN(3, 8, periods=(1, 2, 4, 8))
    blocks = cw.mask[::2, ::2]  # one entry per (module i, module j)
    assert blocks.tolist() == [[1, 1, 1, 1], [0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1]]
    assert bool((cw.weight_h[cw.mask == 0] == 0).all()), "masked weights must start at zero"


def test_masked_weights_get_no_gradient():
    cw = ClockworkRNN(3, 8, periods=(1, 2, 4, 8))
    with torch.no_grad():
        cw.weight_h.copy_(torch.randn_like(cw.weight_h))
    out, _ = unroll(cw, torch.randn(4, 20, 3))
    (out**2).sum().backward()
    grad = cw.weight_h.grad
    assert bool((grad[cw.mask == 0] == 0).all())
    assert bool((grad[cw.mask == 1] != 0).all())


def test_count_parameters_leaves_out_the_masked_weights():
    cw = ClockworkRNN(3, 8, periods=(1, 2, 4, 8))
    # input weights and bias, plus 10 of the 16 blocks of 2 x 2 recurrent weights
    assert cw.count_parameters() == 8 * 3 + 8 + 10 * 4


def test_passing_the_state_on_continues_the_clock():
    cw = ClockworkRNN(2, 8, periods=(1, 2, 4, 8)).double()
    x = torch.randn(3, 10, 2, dtype=D)
    whole, _ = unroll(cw, x)
    first, state = unroll(cw, x[:, :3])
    second, _ = unroll(cw, x[:, 3:], state)
    torch.testing.assert_close(torch.cat([first, second], dim=1), whole, rtol=0, atol=0)
    h, t = cw(x[:, 0])
    assert h.shape == (3, 8) and t.tolist() == [1, 1, 1]


def test_works_in_a_sequence_model():
    model = SequenceModel(ClockworkRNN(1, 6, periods=(1, 3)), 1)
    assert model(torch.zeros(2, 7, 1)).shape == (2, 7, 1)


def test_update_schedule():
    assert update_schedule((1, 3), 7).int().tolist() == [[1] * 7, [1, 0, 0, 1, 0, 0, 1]]


def test_hidden_size_must_divide_into_modules():
    expected = "expected a multiple of len(periods)=4 (periods=(1, 2, 4, 8)), got hidden_size=10"
    with pytest.raises(ValueError, match=re.escape(expected)):
        ClockworkRNN(3, 10)


@pytest.mark.parametrize("periods", [(), (1, 0), (1, 2.0), [True], 4])
def test_bad_periods(periods):
    with pytest.raises(ValueError, match="periods must be a"):
        ClockworkRNN(3, 8, periods=periods)


def test_state_must_be_h_and_t():
    cw = ClockworkRNN(3, 8)
    x_t = torch.randn(2, 3)
    with pytest.raises(ValueError, match=re.escape("expected its state as a tuple (h, t), got one tensor")):
        cw(x_t, torch.zeros(2, 8))
    with pytest.raises(ValueError, match=re.escape("expected its state as a tuple (h, t), got a tuple of 3")):
        cw(x_t, (torch.zeros(2, 8),) * 3)
    with pytest.raises(ValueError, match=re.escape("expected state h of shape (batch=2, hidden_size=8), got (2, 5)")):
        cw(x_t, (torch.zeros(2, 5), torch.zeros(2, dtype=torch.long)))
    with pytest.raises(
        ValueError,
        match=r"state t, the step count, as an integer tensor of shape \(batch=2,\), "
        r"got torch.float32 of shape \(2\)",
    ):
        cw(x_t, (torch.zeros(2, 8), torch.zeros(2)))


def test_wrong_input_size():
    with pytest.raises(ValueError, match=re.escape("expected x_t of shape (batch, input_size=3), got (2, 4)")):
        ClockworkRNN(3, 8)(torch.randn(2, 4))
    with pytest.raises(ValueError, match=re.escape("got (2, 7, 4): 4 features instead of 3")):
        unroll(ClockworkRNN(3, 8), torch.randn(2, 7, 4))


def test_dtype_mismatch_is_named():
    with pytest.raises(ValueError, match=r"torch.float64 weights, got input of dtype torch.float32"):
        unroll(ClockworkRNN(3, 8).double(), torch.randn(2, 7, 3))
