"""Run a cell along a sequence, and watch its gates while it runs."""

from __future__ import annotations

from contextlib import contextmanager

import torch

from ._checks import check_sequence_input


def unroll(cell, x: torch.Tensor, state=None):
    """Apply ``cell`` to every time step of ``x`` (batch, time, input_size), carrying the state.

    Returns ``outputs`` (batch, time, hidden_size), the hidden state at every step, and the
    final state: ``h_n`` for a one-state cell, ``(h_n, c_n)`` for an LSTM.
    """
    x = check_sequence_input(cell, x)
    state = cell.initial_state(x[:, 0]) if state is None else cell.check_state(state, x.shape[0])
    # The input weights do not depend on the state: apply them to all steps in one matmul.
    xw = cell.project(x)
    outputs = []
    # unbind, not xw[:, t]: indexing inside the loop makes backward cost grow with time squared.
    for xw_t in xw.unbind(1):
        state = cell.step(xw_t, state)
        outputs.append(cell.output(state))
    return torch.stack(outputs, dim=1), state


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
