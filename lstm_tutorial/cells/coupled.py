"""The LSTM with coupled forget and input gates: write exactly where you forget, ``i_t = 1 - f_t``.

With one gate fewer the cell has three layers (f, g, o), and the new cell state is a convex
mix of the old one and the candidate: ``c_t = f_t * c_{t-1} + (1 - f_t) * g_t``.
"""

from __future__ import annotations

import torch

from .cell import RecurrentCell


class CoupledLSTMCell(RecurrentCell):
    state_names = ("h", "c")
    n_blocks = 3

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, forget_bias: float | None = None):
        super().__init__(input_size, hidden_size, bias)
        if forget_bias is not None:
            if self.bias is None:
                raise ValueError("forget_bias needs bias=True, got bias=False")
            with torch.no_grad():
                self.bias[:hidden_size] = forget_bias

    def step(self, xw_t: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        h_prev, c_prev = state
        z = torch.addmm(xw_t, h_prev, self.weight_h.t())
        f_t, g_t, o_t = z.chunk(3, dim=1)
        f_t = torch.sigmoid(f_t)
        i_t = 1.0 - f_t  # the coupling: no separate input gate
        g_t = torch.tanh(g_t)
        o_t = torch.sigmoid(o_t)
        c_t = f_t * c_prev + i_t * g_t
        h_t = o_t * torch.tanh(c_t)
        if self._trace is not None:
            self._record(i=i_t, f=f_t, g=g_t, o=o_t, c=c_t, h=h_t)
        return h_t, c_t
