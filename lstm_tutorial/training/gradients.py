"""How much of a loss's gradient reaches each earlier step of a recurrent cell."""

from __future__ import annotations

import torch

from .._checks import check_sequence_input


def gradient_through_time(cell, x: torch.Tensor, state=None) -> dict[str, torch.Tensor]:
    """Norm of the gradient of a loss at the last step with respect to each earlier state.

    Runs ``cell`` over ``x`` (batch, time, input_size), takes as loss a fixed random
    projection of the last hidden state (the same for every cell, so runs compare), and
    returns, for each state the cell keeps (``"h"``, and ``"c"`` for an LSTM), a tensor of
    length ``time`` whose entry ``k`` is the mean over the batch of the norm of
    ``d loss / d state`` at ``k`` steps before the last (entry 0 is the last step itself).
    """
    x = check_sequence_input(cell, x)
    state = cell.initial_state(x[:, 0]) if state is None else cell.check_state(state, x.shape[0])
    names = cell.state_names
    history = {name: [] for name in names}
    xw = cell.project(x)
    for xw_t in xw.unbind(1):
        state = cell.step(xw_t, state)
        parts = state if isinstance(state, tuple) else (state,)
        for name, part in zip(names, parts, strict=True):
            history[name].append(part)
    h_last = history["h"][-1]
    direction = torch.randn(h_last.shape[1], generator=torch.Generator().manual_seed(0), dtype=h_last.dtype)
    loss = (h_last @ (direction / direction.norm())).sum()
    flat = [t for name in names for t in history[name]]
    grads = torch.autograd.grad(loss, flat, allow_unused=True)
    steps = x.shape[1]
    result = {}
    for k, name in enumerate(names):
        norms = []
        for g in grads[k * steps : (k + 1) * steps]:
            norms.append(torch.zeros(()) if g is None else g.norm(dim=1).mean())
        # index by distance from the last step
        result[name] = torch.stack(norms).flip(0).detach()
    return result
