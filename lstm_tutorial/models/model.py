"""A cell with a linear read-out: the smallest trainable sequence model."""

from __future__ import annotations

import torch
from torch import nn

from ..cells.unroll import unroll


class SequenceModel(nn.Module):
    """``cell`` unrolled over the input, then one linear layer on its hidden states.

    ``cell`` is one of the book's cells, or a one-layer ``nn.RNN``/``nn.LSTM``/``nn.GRU`` built
    with ``batch_first=True`` (the same model, run by PyTorch's own loop).

    ``readout="all"`` predicts at every step (batch, time, out_features);
    ``readout="last"`` predicts once, from the last step (batch, out_features).
    """

    def __init__(self, cell: nn.Module, out_features: int, readout: str = "all"):
        super().__init__()
        if isinstance(cell, nn.RNNBase) and not cell.batch_first:
            raise ValueError(
                "SequenceModel reads (batch, time, features): expected a torch module with batch_first=True, "
                "got batch_first=False"
            )
        if readout not in ("all", "last"):
            raise ValueError(f"readout must be 'all' or 'last', got {readout!r}")
        self.cell = cell
        self.readout = readout
        self.head = nn.Linear(cell.hidden_size, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if isinstance(self.cell, nn.RNNBase):
            outputs, _ = self.cell(x)
        else:
            outputs, _ = unroll(self.cell, x)
        return self.head(outputs if self.readout == "all" else outputs[:, -1])
