"""The LSTM cell (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000).

The four layers share one matmul: ``weight_x`` and ``weight_h`` stack the rows of the input
gate, forget gate, candidate and output gate in PyTorch's order (i, f, g, o), so
``W_x x_t + W_h h_{t-1} + b`` is ``W [h_{t-1}, x_t] + b`` for all four at once.
"""

from __future__ import annotations

import torch
from torch import nn

from .cell import RecurrentCell


class LSTMCell(RecurrentCell):
    state_names = ("h", "c")
    torch_kinds = (nn.LSTM, nn.LSTMCell)
    n_blocks = 4

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, forget_bias: float | None = None):
        super().__init__(input_size, hidden_size, bias)
        if forget_bias is not None:
            if self.bias is None:
                raise ValueError("forget_bias needs bias=True, got bias=False")
            with torch.no_grad():
                self.bias[hidden_size : 2 * hidden_size] = forget_bias

    def step(self, xw_t: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        h_prev, c_prev = state
        z = torch.addmm(xw_t, h_prev, self.weight_h.t())
        i_t, f_t, g_t, o_t = z.chunk(4, dim=1)
        i_t = torch.sigmoid(i_t)  # input gate: how much of the candidate to write
        f_t = torch.sigmoid(f_t)  # forget gate: how much of the old cell state to keep
        g_t = torch.tanh(g_t)  # candidate values, C~_t in the text
        o_t = torch.sigmoid(o_t)  # output gate: how much of the cell state to show
        c_t = f_t * c_prev + i_t * g_t
        h_t = o_t * torch.tanh(c_t)
        if self._trace is not None:
            self._record(i=i_t, f=f_t, g=g_t, o=o_t, c=c_t, h=h_t)
        return h_t, c_t
