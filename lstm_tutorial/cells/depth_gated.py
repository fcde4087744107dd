"""The depth-gated LSTM (Yao et al. 2015): two stacked LSTM layers whose cell states are
joined by a gated, linear path through depth.

Layer 1 is an ordinary LSTM on the input ``x_t``. Layer 2 is an LSTM on ``h1_t``, with one
more term in its cell update: a *depth gate* ``d_t`` lets the lower layer's new cell state
``c1_t`` in, the way the forget gate lets the layer's own old cell state in::

    d_t  = sigmoid(W_xd h1_t + w_cd * c2_{t-1} + w_ld * c1_t + b_d)
    c2_t = d_t * c1_t + f2_t * c2_{t-1} + i2_t * g2_t
    h2_t = o2_t * tanh(c2_t)

``W_xd`` is a full matrix on layer 2's input ``h1_t``; ``w_cd`` and ``w_ld`` are diagonal
(vectors, multiplied element by element), as in the paper's equations. The gates
``i2, f2, g2, o2`` of layer 2 are those of the book's ``LSTMCell``, fed with ``h1_t``.

One deliberate difference from the paper: Yao et al. write their LSTM layers in the form
with peephole connections (the gates also see the cell state). They are left out here, so
that with the depth gate closed (``d_t = 0``) the module is exactly a two-layer
``nn.LSTM``: ``from_torch`` loads one that way. Only the depth gate looks at cell states.
"""

from __future__ import annotations

import torch
from torch import nn

from .cell import RecurrentCell

#: the depth gate's bias that closes it: sigmoid(-50) is about 2e-22
CLOSED_GATE_BIAS = -50.0


class DepthGatedLSTM(RecurrentCell):
    """A two-layer LSTM stack with a depth gate into layer 2, run as one cell.

    The state is ``(h1, c1, h2, c2)``, each ``(batch, hidden_size)``; what the cell shows
    the next layer (``output``, and so ``unroll``'s outputs) is the top layer's ``h2``.
    ``weight_x``, ``weight_h`` and ``bias`` are layer 1's, stacked ``i, f, g, o`` as in
    ``LSTMCell``; ``weight_x2``, ``weight_h2`` and ``bias2`` are layer 2's; ``weight_xd``,
    ``w_cd``, ``w_ld`` and ``bias_d`` the depth gate's. All start from PyTorch's
    U(-1/sqrt(H), 1/sqrt(H)), so the depth gate starts about half open.

    ``record_gates`` records ``i1, f1, g1, o1, c1, h1`` (layer 1), ``i2, f2, g2, o2, c2``
    (layer 2), the depth gate ``d``, and ``h``, the top layer's output ``h2``.
    """

    state_names = ("h1", "c1", "h2", "c2")
    n_blocks = 4  # layer 1's input projection: i, f, g, o

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True):
        super().__init__(input_size, hidden_size, bias)
        size = hidden_size
        self.weight_x2 = nn.Parameter(torch.empty(4 * size, size))
        self.weight_h2 = nn.Parameter(torch.empty(4 * size, size))
        self.bias2 = nn.Parameter(torch.empty(4 * size)) if bias else None
        self.weight_xd = nn.Parameter(torch.empty(size, size))
        self.w_cd = nn.Parameter(torch.empty(size))
        self.w_ld = nn.Parameter(torch.empty(size))
        self.bias_d = nn.Parameter(torch.empty(size)) if bias else None
        self.reset_parameters()

    def output(self, state) -> torch.Tensor:
        """The top layer's hidden state ``h2``."""
        return state[2]

    def step(self, xw_t: torch.Tensor, state):
        h1_prev, c1_prev, h2_prev, c2_prev = state
        # layer 1: an ordinary LSTM step (xw_t already holds W_x x_t + b)
        z1 = torch.addmm(xw_t, h1_prev, self.weight_h.t())
        i1, f1, g1, o1 = z1.chunk(4, dim=1)
        i1, f1, g1, o1 = torch.sigmoid(i1), torch.sigmoid(f1), torch.tanh(g1), torch.sigmoid(o1)
        c1 = f1 * c1_prev + i1 * g1
        h1 = o1 * torch.tanh(c1)
        # layer 2: an LSTM step on h1 ...
        z2 = torch.addmm(nn.functional.linear(h1, self.weight_x2, self.bias2), h2_prev, self.weight_h2.t())
        i2, f2, g2, o2 = z2.chunk(4, dim=1)
        i2, f2, g2, o2 = torch.sigmoid(i2), torch.sigmoid(f2), torch.tanh(g2), torch.sigmoid(o2)
        # ... whose cell state also takes in layer 1's, through the depth gate
        d = torch.sigmoid(nn.functional.linear(h1, self.weight_xd, self.bias_d) + self.w_cd * c2_prev + self.w_ld * c1)
        c2 = d * c1 + f2 * c2_prev + i2 * g2
        h2 = o2 * torch.tanh(c2)
        if self._trace is not None:
            self._record(i1=i1, f1=f1, g1=g1, o1=o1, c1=c1, h1=h1, i2=i2, f2=f2, g2=g2, o2=o2, d=d, c2=c2, h=h2)
        return h1, c1, h2, c2

    def close_depth_gate(self) -> DepthGatedLSTM:
        """Set the depth gate's weights to 0 and its bias to ``CLOSED_GATE_BIAS``: ``d_t`` is
        then about 2e-22 whatever comes in, and the cell is a plain two-layer stack. (So
        little gradient reaches a gate this closed that training will not reopen it.)"""
        if self.bias_d is None:
            raise ValueError("close_depth_gate needs the depth gate's bias: expected bias=True, got bias=False")
        with torch.no_grad():
            self.weight_xd.zero_()
            self.w_cd.zero_()
            self.w_ld.zero_()
            self.bias_d.fill_(CLOSED_GATE_BIAS)
        return self

    @classmethod
    def from_torch(cls, module: nn.Module) -> DepthGatedLSTM:
        """A two-layer ``nn.LSTM``'s weights, with the depth gate closed: it then computes what
        the module computes (to about 1e-22 of the lower cell state)."""
        if not isinstance(module, nn.LSTM):
            raise ValueError(f"{cls.__name__}.from_torch expected nn.LSTM, got {type(module).__name__}")
        found = []
        if module.num_layers != 2:
            found.append(f"num_layers={module.num_layers}")
        if module.bidirectional:
            found.append("bidirectional=True")
        if module.proj_size:
            found.append(f"proj_size={module.proj_size}")
        if not module.bias:
            found.append("bias=False")
        if found:
            raise ValueError(
                f"{cls.__name__}.from_torch loads a two-layer stack: expected num_layers=2, "
                f"bidirectional=False, proj_size=0, bias=True; got {', '.join(found)}"
            )
        w = module.weight_ih_l0
        cell = cls(module.input_size, module.hidden_size).to(dtype=w.dtype, device=w.device)
        with torch.no_grad():
            cell.weight_x.copy_(module.weight_ih_l0)
            cell.weight_h.copy_(module.weight_hh_l0)
            cell.bias.copy_(module.bias_ih_l0 + module.bias_hh_l0)
            cell.weight_x2.copy_(module.weight_ih_l1)
            cell.weight_h2.copy_(module.weight_hh_l1)
            cell.bias2.copy_(module.bias_ih_l1 + module.bias_hh_l1)
        return cell.close_depth_gate()

    def to_torch(self) -> nn.Module:
        """The two-layer ``nn.LSTM`` (``batch_first=True``) with this cell's layer weights, to run
        on PyTorch's fused kernel. Only a cell whose depth gate is closed (see
        ``close_depth_gate``) computes the same function: any other is refused."""
        closed = (
            self.bias_d is not None
            and all(p.detach().abs().max() == 0 for p in (self.weight_xd, self.w_cd, self.w_ld))
            and self.bias_d.detach().max() <= -28
        )
        if not closed:
            raise ValueError(
                "DepthGatedLSTM.to_torch: nn.LSTM has no depth gate; expected a closed gate "
                "(zero weights, bias at most -28, as close_depth_gate() sets), got an open one"
            )
        w = self.weight_h
        module = nn.LSTM(self.input_size, self.hidden_size, num_layers=2, batch_first=True)
        module = module.to(dtype=w.dtype, device=w.device)
        with torch.no_grad():
            module.weight_ih_l0.copy_(self.weight_x)
            module.weight_hh_l0.copy_(self.weight_h)
            module.bias_ih_l0.copy_(self.bias)
            module.bias_hh_l0.zero_()
            module.weight_ih_l1.copy_(self.weight_x2)
            module.weight_hh_l1.copy_(self.weight_h2)
            module.bias_ih_l1.copy_(self.bias2)
            module.bias_hh_l1.zero_()
        return module
