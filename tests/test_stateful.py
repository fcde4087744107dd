"""Stateful training: the stream layout, carrying and detaching the state, the training loop."""

import pytest
import torch
from torch import nn

from lstm_tutorial.stateful import (
    StatefulTagger,
    detach_state,
    run_chunks,
    sign_stream,
    stateful_batches,
    train_chunks,
)

# --- stateful_batches -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_layout_on_random_sizes(seed):
    gen = torch.Generator().manual_seed(seed)
    batch_size = int(torch.randint(1, 6, (1,), generator=gen))
    time_step = int(torch.randint(1, 8, (1,), generator=gen))
    n = batch_size * time_step * int(torch.randint(1, 6, (1,), generator=gen)) + int(
        torch.randint(0, batch_size * time_step, (1,), generator=gen)
    )
    series = torch.randn(n, generator=gen, dtype=torch.float64)
    chunks = stateful_batches(series, batch_size, time_step)
    n_chunks = n // (batch_size * time_step)
    length = n_chunks * time_step
    assert chunks.shape == (n_chunks, batch_size, time_step)
    for k in range(n_chunks):
        for i in range(batch_size):
            start = i * length + k * time_step
            assert torch.equal(chunks[k, i], series[start : start + time_step])


@pytest.mark.parametrize("n, batch_size, time_step", [(100, 4, 5), (101, 3, 7), (24, 2, 4), (9, 1, 3)])
def test_row_i_of_the_next_chunk_continues_row_i(n, batch_size, time_step):
    chunks = stateful_batches(torch.arange(n), batch_size, time_step)
    # within a chunk, each row is consecutive steps
    assert torch.equal(chunks[..., 1:], chunks[..., :-1] + 1)
    # across chunks, row i of chunk k + 1 starts where row i of chunk k ended
    assert torch.equal(chunks[1:, :, 0], chunks[:-1, :, -1] + 1)
    # the streams are consecutive too, and every kept step appears once
    kept = chunks.transpose(0, 1).reshape(-1)
    assert torch.equal(kept, torch.arange(len(kept)))
    assert n - len(kept) < batch_size * time_step


def test_layout_keeps_features_and_does_not_alias():
    series = torch.arange(60.0).reshape(30, 2)
    chunks = stateful_batches(series, 3, 4)
    assert chunks.shape == (2, 3, 4, 2)
    assert torch.equal(chunks[1, 2], series[2 * 8 + 4 : 2 * 8 + 8])
    chunks[0, 0, 0, 0] = -1.0
    assert series[0, 0] == 0.0


def test_layout_too_short():
    with pytest.raises(ValueError, match=r"at least batch_size \* time_step = 4 \* 5 = 20 steps .* length 19"):
        stateful_batches(torch.zeros(19), 4, 5)


@pytest.mark.parametrize("what, args", [("batch_size", (0, 5)), ("batch_size", (1.5, 5)), ("time_step", (2, -1)),
                                        ("time_step", (2, True)), ("batch_size", ("2", 5))])
def test_layout_bad_sizes(what, args):
    with pytest.raises(ValueError, match=f"{what} must be a positive int"):
        stateful_batches(torch.zeros(100), *args)


def test_layout_needs_a_time_axis():
    with pytest.raises(ValueError, match=r"time axis \(N, ...\), got a 0-D tensor"):
        stateful_batches(torch.tensor(3.0), 1, 1)


# --- run_chunks and detach_state -------------------------------------------------------------


def _lstm(seed, inputs, hidden, layers=1):
    torch.manual_seed(seed)
    return nn.LSTM(inputs, hidden, num_layers=layers, batch_first=True, dtype=torch.float64)


@pytest.mark.parametrize("seed", range(4))
def test_chunks_with_carried_state_equal_one_run(seed):
    gen = torch.Generator().manual_seed(seed)
    batch, inputs, hidden, layers = (int(v) for v in torch.randint(1, 5, (4,), generator=gen))
    lstm = _lstm(seed, inputs, hidden, layers)
    x = torch.randn(batch, 37, inputs, generator=gen, dtype=torch.float64)
    whole, (h_n, c_n) = lstm(x)
    for detach in (True, False):
        out, (h, c) = run_chunks(lstm, x.split(int(torch.randint(1, 12, (1,), generator=gen))), detach=detach)
        torch.testing.assert_close(out, whole, rtol=0, atol=1e-12)
        torch.testing.assert_close((h, c), (h_n, c_n), rtol=0, atol=1e-12)


def test_chunks_without_carry_start_from_the_given_state():
    lstm = _lstm(0, 2, 3)
    x = torch.randn(2, 12, 2, dtype=torch.float64)
    out, _ = run_chunks(lstm, x.split(4), carry=False)
    expected = torch.cat([lstm(chunk)[0] for chunk in x.split(4)], dim=1)
    torch.testing.assert_close(out, expected)
    state = (torch.randn(1, 2, 3, dtype=torch.float64), torch.randn(1, 2, 3, dtype=torch.float64))
    out, _ = run_chunks(lstm, x.split(4), state, carry=False)
    expected = torch.cat([lstm(chunk, state)[0] for chunk in x.split(4)], dim=1)
    torch.testing.assert_close(out, expected)
    # and carrying from nonzero state equals one run from it
    torch.testing.assert_close(run_chunks(lstm, x.split(5), state)[0], lstm(x, state)[0])


def test_detaching_stops_the_gradient_at_the_chunk_boundary():
    lstm = _lstm(1, 2, 4)
    x = torch.randn(3, 30, 2, dtype=torch.float64, requires_grad=True)
    grads = {}
    for detach in (True, False):
        out, _ = run_chunks(lstm, x.split(10, dim=1), detach=detach)
        (grads[detach],) = torch.autograd.grad(out[:, -10:].sum(), x)
    assert grads[True][:, :20].abs().max() == 0  # nothing reaches the earlier chunks
    assert grads[False][:, 10:20].abs().max() > 1e-3  # without detaching it does
    torch.testing.assert_close(grads[True][:, 20:], grads[False][:, 20:])  # the last chunk's own part agrees
    (full,) = torch.autograd.grad(lstm(x)[0][:, -10:].sum(), x)
    torch.testing.assert_close(grads[False], full)


def test_detach_state():
    h = torch.randn(1, 2, 3, requires_grad=True) * 2
    c = torch.randn(1, 2, 3, requires_grad=True) * 2
    h2, c2 = detach_state((h, c))
    assert not h2.requires_grad and not c2.requires_grad and torch.equal(h2, h) and torch.equal(c2, c)
    assert not detach_state(h).requires_grad
    assert detach_state(None) is None


def test_run_chunks_needs_chunks():
    with pytest.raises(ValueError, match="at least one chunk, got none"):
        run_chunks(_lstm(0, 1, 1), [])


def test_tagger_is_an_lstm_with_a_readout():
    model = StatefulTagger(3, 5, 2).double()
    x = torch.randn(4, 6, 3, dtype=torch.float64)
    out, (h_n, c_n) = model(x)
    h, state = model.lstm(x)
    assert out.shape == (4, 6, 2) and h_n.shape == c_n.shape == (1, 4, 5)
    torch.testing.assert_close(out, h @ model.head.weight.T + model.head.bias)
    torch.testing.assert_close(model(x[:, 3:], model(x[:, :3])[1])[0], out[:, 3:])


# --- train_chunks ----------------------------------------------------------------------------


class _Recorder(nn.Module):
    """A tiny stateful model that remembers which state each call received."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 2, batch_first=True)
        self.head = nn.Linear(2, 1)
        self.received, self.finals = [], []

    def forward(self, x, state=None):
        self.received.append(state)
        h, final = self.lstm(x, state)
        self.finals.append(final)
        return self.head(h), final


@pytest.mark.parametrize("stateful", [True, False])
def test_training_carries_or_resets_the_state(stateful, capsys):
    model = _Recorder()
    chunks = stateful_batches(torch.randn(2 * 3 * 4), 2, 4).unsqueeze(-1)  # 3 chunks
    losses = train_chunks(model, chunks, chunks, nn.functional.mse_loss, 2, stateful=stateful, name="run")
    assert len(losses) == 6 and all(isinstance(v, float) for v in losses)
    for step, state in enumerate(model.received):
        if not stateful or step % 3 == 0:  # stateless, or the first chunk of an epoch
            assert state is None
        else:
            assert all(not s.requires_grad for s in state)  # detached
            assert all(torch.equal(s, f) for s, f in zip(state, model.finals[step - 1], strict=True))
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("run: epoch   2/2  loss")


def test_training_refuses_mismatched_chunks():
    with pytest.raises(ValueError, match="as many target chunks as input chunks, got 2 and 3"):
        train_chunks(_Recorder(), torch.zeros(3, 1, 2, 1), torch.zeros(2, 1, 2, 1), nn.functional.mse_loss, 1,
                     stateful=True)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        train_chunks(_Recorder(), torch.zeros(3, 1, 2, 1), torch.zeros(3, 1, 2, 1), nn.functional.mse_loss, 0,
                     stateful=True)


def test_stateful_training_learns_the_sign_task():
    """The chapter's claim, small: carried state answers across chunk boundaries."""
    torch.manual_seed(0)
    x, y, last = sign_stream(8 * 800, generator=torch.Generator().manual_seed(0))
    X, Y = stateful_batches(x, 8, 20), stateful_batches(y, 8, 20)
    model = StatefulTagger(2, 12)
    train_chunks(model, X, Y, nn.functional.binary_cross_entropy_with_logits, 12, stateful=True, log_every=100)
    xt, yt, _ = sign_stream(8 * 400, generator=torch.Generator().manual_seed(1))
    Xt, Yt = stateful_batches(xt, 8, 20), stateful_batches(yt, 8, 20)
    with torch.no_grad():
        out, _ = run_chunks(model, Xt)
    correct = ((out > 0).float() == torch.cat(list(Yt), dim=1))[:, 100:]  # after the first marker of each row
    assert correct.float().mean() > 0.9


# --- sign_stream -----------------------------------------------------------------------------


def test_sign_stream():
    x, y, last = sign_stream(3000, 40, 80, generator=torch.Generator().manual_seed(3))
    assert x.shape == (3000, 2) and y.shape == (3000, 1) and last.shape == (3000,)
    markers = x[:, 0].nonzero().flatten()
    assert markers[0] == 0
    gaps = markers.diff()
    assert gaps.min() >= 40 and gaps.max() <= 80
    assert set(x[markers, 1].tolist()) == {-1.0, 1.0}
    # the target is the sign of the most recent marker, and last points at that marker
    assert torch.equal(x[last, 0], torch.ones(3000))
    assert torch.equal(y[:, 0], (x[last, 1] > 0).float())
    assert torch.all(last <= torch.arange(3000)) and torch.all(torch.arange(3000) - last < 81)
    assert 0.3 < y.mean() < 0.7


def test_sign_stream_errors():
    with pytest.raises(ValueError, match="max_gap must be >= min_gap, got min_gap=5, max_gap=4"):
        sign_stream(100, 5, 4)
    with pytest.raises(ValueError, match="noise must be a standard deviation >= 0"):
        sign_stream(100, noise=-1.0)
    with pytest.raises(ValueError, match="length must be a positive int"):
        sign_stream(0)


@pytest.mark.parametrize("retain_graph, message", [
    (False, "Trying to backward through the graph a second time"),
    (True, "has been modified by an inplace operation"),
])
def test_undetached_state_breaks_chunk_by_chunk_training(retain_graph, message):
    """The chapter's claim: without detach, the second chunk's backward() fails, with or
    without retain_graph (then because the optimizer changed the weights in place)."""
    torch.manual_seed(0)
    model = StatefulTagger(2, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    state = None
    chunks = torch.randn(2, 12, 2).split(4, dim=1)
    with pytest.raises(RuntimeError, match=message):
        for chunk in chunks:
            out, state = model(chunk, state)
            optimizer.zero_grad()
            out.pow(2).mean().backward(retain_graph=retain_graph)
            optimizer.step()
