"""Run a cell along a sequence, and watch its gates while it runs."""

from __future__ import annotations

from contextlib import contextmanager

import torch

from .._checks import check_lengths, check_sequence_input


def unroll(cell, x: torch.Tensor, state=None, lengths=None):
    """Apply ``cell`` to every time step of ``x`` (batch, time, input_size), carrying the state.

    Returns ``outputs`` (batch, time, hidden_size), the hidden state at every step, and the
    final state: ``h_n`` for a one-state cell, ``(h_n, c_n)`` for an LSTM.

    ``lengths`` (a list of ints or a 1-D integer tensor, one per row, each between 1 and
    ``time``) makes each row stop at its own length, as for a padded batch of sequences of
    different lengths: outputs at the padded steps are exactly 0, and the final state is each
    row's state at its last real step, whatever the padding holds. This is what ``torch.nn``'s
    recurrent layers compute on ``pack_padded_sequence(x, lengths, batch_first=True,
    enforce_sorted=False)``.
    """
    x = check_sequence_input(cell, x)
    state = cell.initial_state(x[:, 0]) if state is None else cell.check_state(state, x.shape[0])
    if lengths is not None:
        return _unroll_lengths(cell, x, state, check_lengths(lengths, x))
    # The input weights do not depend on the state: apply them to all steps in one matmul.
    xw = cell.project(x)
    outputs = []
    # unbind, not xw[:, t]: indexing inside the loop makes backward cost grow with time squared.
    for xw_t in xw.unbind(1):
        state = cell.step(xw_t, state)
        outputs.append(cell.output(state))
    return torch.stack(outputs, dim=1), state


def _unroll_lengths(cell, x: torch.Tensor, state, lengths: torch.Tensor):
    batch, time = x.shape[:2]
    real = torch.arange(time, device=x.device) < lengths.unsqueeze(1)  # (batch, time): not padding
    # The padding may hold anything, even NaN: keep it out of the graph, so that it cannot
    # reach a gradient through the discarded steps either.
    x = x.masked_fill(~real.unsqueeze(2), 0.0)
    last = int(lengths.max())  # no row needs a step past its longest one
    outputs = []
    for t, xw_t in enumerate(cell.project(x[:, :last]).unbind(1)):
        stepped = cell.step(xw_t, state)
        # a row whose sequence has ended keeps the state of its last real step and shows 0
        state = _where(real[:, t], stepped, state)
        outputs.append(_where(real[:, t], cell.output(stepped), None))
    outputs = torch.stack(outputs, dim=1)
    if last < time:
        outputs = torch.cat([outputs, outputs.new_zeros(batch, time - last, outputs.shape[2])], dim=1)
    return outputs, state


def _where(keep: torch.Tensor, new, old):
    """``new`` in the rows where ``keep`` is True, ``old`` (or 0 for None) elsewhere, for a
    tensor or a tuple of state tensors of any shape whose first axis is the batch."""
    if isinstance(new, tuple):
        return tuple(_where(keep, n, o) for n, o in zip(new, old, strict=True))
    rows = keep.view(-1, *([1] * (new.dim() - 1)))
    return torch.where(rows, new, torch.zeros((), dtype=new.dtype, device=new.device) if old is None else old)


@contextmanager
def record_gates(cell):
    """Record what ``cell`` computes inside the ``with`` block.

    Yields a dict that, once the block ends, maps each recorded name (``"f"``, ``"i"``, ``"o"``,
    ``"c"``, ... as the cell's equations name them) to a tensor of shape (batch, steps, hidden),
    detached from the graph::

        with record_gates(cell) as gates:
            unroll(cell, x)
        gates["f"]      # the forget gate at every step
    """
    if cell._trace is not None:
        raise ValueError(f"record_gates: this {type(cell).__name__} is already being recorded")
    trace: dict = {}
    cell._trace = trace
    try:
        yield trace
    finally:
        cell._trace = None
        for name, values in trace.items():
            trace[name] = torch.stack(values, dim=1)
