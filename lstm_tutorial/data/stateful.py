"""Carrying the state ``(h, c)`` from one batch to the next: stateful training.

A long series is laid out as ``batch_size`` parallel streams (the rows of a batch), each cut
in time into consecutive chunks of ``time_step`` steps; batch k holds chunk k of every
stream, so that row i of batch k + 1 continues row i of batch k (``stateful_batches``). A
model run on the batches in order can then hand each stream's final state of one chunk to
the next (``run_chunks``), detached so that backpropagation stops at the chunk boundary:
truncated backpropagation through time. ``train_chunks`` trains the same model either way,
with the state carried (stateful) or zeroed at every chunk (stateless), and
``sign_stream`` makes a series where the difference shows: a memory longer than a chunk.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .._checks import check_size


def stateful_batches(series, batch_size: int, time_step: int) -> torch.Tensor:
    """Lay out a long series as ``batch_size`` parallel streams, cut into consecutive chunks.

    The series (N, ...) is cut into ``batch_size`` equal, consecutive streams of
    L = n_chunks * time_step steps each (the last N - batch_size * L steps, too few for a
    chunk in every stream, are dropped), and each stream into ``n_chunks`` chunks of
    ``time_step`` steps. Returns a tensor of shape (n_chunks, batch_size, time_step, ...):
    element ``[k, i]`` is ``series[i * L + k * time_step : i * L + (k + 1) * time_step]``,
    chunk k of stream i, so row i of batch k + 1 continues row i of batch k.
    """
    s = torch.as_tensor(series)
    check_size(batch_size, "batch_size")
    check_size(time_step, "time_step")
    if s.dim() == 0:
        raise ValueError("stateful_batches expected a series with a time axis (N, ...), got a 0-D tensor")
    n = s.shape[0]
    n_chunks = n // (batch_size * time_step)
    if n_chunks == 0:
        raise ValueError(
            f"stateful_batches needs at least batch_size * time_step = {batch_size} * {time_step} = "
            f"{batch_size * time_step} steps (one chunk per stream), got a series of length {n}"
        )
    length = n_chunks * time_step  # L, the steps in each stream
    streams = s[: batch_size * length].reshape(batch_size, n_chunks, time_step, *s.shape[1:])
    return streams.transpose(0, 1).clone()


def detach_state(state):
    """The same state, cut from the graph that made it: backpropagation stops here."""
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.detach()
    return tuple(part.detach() for part in state)


def run_chunks(model: nn.Module, chunks, state=None, *, carry: bool = True, detach: bool = True):
    """Run ``model`` on ``chunks`` in order; return the outputs joined along time, and the
    final state.

    ``model(x, state) -> (output, state)`` reads (batch, time, features), like ``nn.LSTM``
    with ``batch_first=True`` or a ``StatefulTagger``. With ``carry=True`` the final state of
    chunk k is the initial state of chunk k + 1 (``detach=True`` cuts the graph there); with
    ``carry=False`` every chunk starts from ``state`` (None: zeros).
    """
    chunks = list(chunks)
    if not chunks:
        raise ValueError("run_chunks expected at least one chunk, got none")
    outputs = []
    start = state
    for x in chunks:
        out, final = model(x, state)
        outputs.append(out)
        if carry:
            state = detach_state(final) if detach else final
        else:
            state = start
    return torch.cat(outputs, dim=1), final


class StatefulTagger(nn.Module):
    """An ``nn.LSTM`` with a linear read-out at every step, that takes and returns its state.

    ``forward(x, state=None)`` maps x (batch, time, input_size) to
    ``(output (batch, time, out_features), (h_n, c_n))``, as ``nn.LSTM`` does for its own
    hidden states; ``state=None`` starts from zeros.
    """

    def __init__(self, input_size: int, hidden_size: int, out_features: int = 1):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, out_features)

    def forward(self, x: torch.Tensor, state=None):
        h, state = self.lstm(x, state)
        return self.head(h), state


def train_chunks(
    model: nn.Module,
    x_chunks: torch.Tensor,
    y_chunks: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    epochs: int,
    *,
    stateful: bool,
    lr: float = 1e-2,
    clip: float | None = 1.0,
    log_every: int | None = None,
    name: str = "",
) -> list[float]:
    """Adam over consecutive batches of chunks, in order, one gradient step per batch; returns
    the loss of every step.

    ``x_chunks`` and ``y_chunks`` are laid out by ``stateful_batches`` (batch k,
    ``x_chunks[k]``, holds chunk k of every stream). ``loss_fn(output, y)`` scores one batch.
    With ``stateful=True`` the state is carried from each chunk to the next and detached
    (truncated backpropagation through time), and reset to zeros at the start of every
    epoch; with ``stateful=False`` every chunk starts from zeros. The batches are never
    shuffled: carried state needs their order.
    Progress is printed ``log_every`` epochs (default: five lines per run).
    """
    check_size(epochs, "epochs")
    if len(x_chunks) != len(y_chunks):
        raise ValueError(
            f"train_chunks expected as many target chunks as input chunks, got {len(y_chunks)} and {len(x_chunks)}"
        )
    log_every = log_every or max(1, epochs // 5)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    label = f"{name}: " if name else ""
    for epoch in range(1, epochs + 1):
        state = None  # reset at the epoch boundary: chunk 0 starts each stream afresh
        for x, y in zip(x_chunks, y_chunks, strict=True):
            out, final = model(x, state)
            loss = loss_fn(out, y)
            optimizer.zero_grad()
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            losses.append(loss.item())
            state = detach_state(final) if stateful else None
        if epoch % log_every == 0 or epoch == epochs:
            recent = sum(losses[-len(x_chunks):]) / len(x_chunks)
            print(f"{label}epoch {epoch:>3}/{epochs}  loss {recent:.4f}", flush=True)
    return losses


def sign_stream(
    length: int, min_gap: int = 40, max_gap: int = 80, noise: float = 1.0, generator: torch.Generator | None = None
):
    """A long stream of noise with a signed marker every ``min_gap`` to ``max_gap`` steps.

    Each step carries two features: a flag (1 at a marker, 0 elsewhere) and a value (the
    marker's sign, +1 or -1 with equal chance, at a marker; Gaussian noise with standard
    deviation ``noise`` elsewhere). The first marker is at step 0; the gaps between markers
    are drawn uniformly from ``min_gap`` to ``max_gap``. The target at every step is the
    sign of the most recent marker, as 1. (+1) or 0. (-1): to answer, a model must hold a
    sign for up to ``max_gap`` steps.

    Returns ``x`` (length, 2), ``y`` (length, 1) and ``last`` (length,), the index of the
    most recent marker at every step.
    """
    check_size(length, "length")
    check_size(min_gap, "min_gap")
    check_size(max_gap, "max_gap")
    if max_gap < min_gap:
        raise ValueError(f"max_gap must be >= min_gap, got min_gap={min_gap}, max_gap={max_gap}")
    if not noise >= 0:
        raise ValueError(f"noise must be a standard deviation >= 0, got {noise!r}")
    gaps = torch.randint(min_gap, max_gap + 1, (length // min_gap + 1,), generator=generator)
    positions = torch.cat([torch.zeros(1, dtype=torch.long), gaps.cumsum(0)])
    positions = positions[positions < length]
    signs = torch.randint(0, 2, (len(positions),), generator=generator).float() * 2 - 1
    flag = torch.zeros(length)
    flag[positions] = 1.0
    value = noise * torch.randn(length, generator=generator)
    value[positions] = signs
    marker_number = flag.cumsum(0).long() - 1  # which marker is the most recent one
    last = positions[marker_number]
    y = (signs[marker_number] > 0).float().unsqueeze(-1)
    return torch.stack([flag, value], dim=1), y, last
