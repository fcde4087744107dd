"""Many small LSTM-family models trained at once, as one batched computation.

A tiny model spends most of its time in Python and in launching small operations, not in
arithmetic. Training M of them one after another pays that overhead M times; stacking their
weights along a leading "member" axis and running every operation once for all of them pays
it once. ``LSTMEnsemble`` does that for the LSTM and the variants of Part III (peepholes,
coupled gates, parts removed), each member keeping its own structure through masks;
``GRUEnsemble`` does it for the GRU; ``MixedEnsemble`` runs both kinds side by side, members in
the order they were given. Each is tested to compute exactly what its members compute one by one.

Members are independent: nothing flows between them, each has its own read-out, and
``clip_grad_norm_`` clips each member's gradient separately. Adam, being elementwise, then
updates each member exactly as if it were trained alone.
"""

from __future__ import annotations

import torch
from torch import nn

from .._checks import check_sequence_input
from ..cells.ablation import LSTMVariantCell
from ..cells.coupled import CoupledLSTMCell
from ..cells.gru import GRUCell
from ..cells.lstm import LSTMCell
from ..cells.peephole import PeepholeLSTMCell
from .model import SequenceModel


def _structure(cell) -> dict[str, float]:
    """Which parts a member has (1.0) or lacks (0.0)."""
    without = getattr(cell, "without", ())
    return {
        "forget_gate": float("forget_gate" not in without),
        "input_gate": float("input_gate" not in without and not isinstance(cell, CoupledLSTMCell)),
        "output_gate": float("output_gate" not in without),
        "input_activation": float("input_activation" not in without),
        "output_activation": float("output_activation" not in without),
        "coupled": float(isinstance(cell, CoupledLSTMCell)),
        "peephole": float(isinstance(cell, PeepholeLSTMCell)),
    }


def _stacked_weights(cell):
    """The cell's weights in the LSTM's block layout (i, f, g, o) and its peepholes."""
    H = cell.hidden_size
    w_x, w_h, b = cell.weight_x.detach(), cell.weight_h.detach(), cell.bias.detach()
    if isinstance(cell, CoupledLSTMCell):
        # a coupled cell stores (f, g, o); its input-gate block stays zero and unused
        pad = lambda t: torch.cat([torch.zeros_like(t[:H]), t])  # noqa: E731
        w_x, w_h, b = pad(w_x), pad(w_h), pad(b)
    zeros = torch.zeros(H, dtype=w_h.dtype)
    peep = [getattr(cell, name, zeros).detach() for name in ("p_i", "p_f", "p_o")]
    return w_x, w_h, b, torch.stack(peep)


class LSTMEnsemble(nn.Module):
    """M sequence models (``SequenceModel`` with an LSTM-family cell), run as one.

    ``LSTMEnsemble(models)`` copies the members' weights; ``forward(x)`` takes one batch
    ``x`` (batch, time, input_size), shared by all members, and returns every member's
    prediction, (M, batch, out_features) for ``readout="last"`` or (M, batch, time,
    out_features) for ``readout="all"``.
    """

    KINDS = (LSTMCell, LSTMVariantCell, PeepholeLSTMCell, CoupledLSTMCell)

    def __init__(self, models):
        super().__init__()
        models = list(models)
        if not models:
            raise ValueError("LSTMEnsemble expected at least one model, got none")
        for m in models:
            if not isinstance(m, SequenceModel) or not isinstance(m.cell, self.KINDS):
                kinds = ", ".join(k.__name__ for k in self.KINDS)
                raise ValueError(
                    f"LSTMEnsemble expected SequenceModels whose cell is one of {kinds}, got {type(m).__name__}"
                    + (f" with {type(m.cell).__name__}" if isinstance(m, SequenceModel) else "")
                )
        first = models[0]
        sizes = {(m.cell.input_size, m.cell.hidden_size, m.head.out_features, m.readout) for m in models}
        if len(sizes) > 1:
            raise ValueError(
                "LSTMEnsemble expected members of one shape (input_size, hidden_size, out_features, readout), "
                f"got {sorted(sizes, key=str)}"
            )
        if any(m.cell.bias is None for m in models):
            raise ValueError("LSTMEnsemble expected cells with bias=True, got a cell with bias=False")
        self.input_size, self.hidden_size = first.cell.input_size, first.cell.hidden_size
        self.readout = first.readout
        self.members = len(models)
        w_x, w_h, b, peep = zip(*(_stacked_weights(m.cell) for m in models), strict=True)
        self.weight_x = nn.Parameter(torch.stack(w_x))  # (M, 4H, I)
        self.weight_h = nn.Parameter(torch.stack(w_h))  # (M, 4H, H)
        self.bias = nn.Parameter(torch.stack(b).unsqueeze(1))  # (M, 1, 4H)
        self.peepholes = nn.Parameter(torch.stack(peep).unsqueeze(2))  # (M, 3, 1, H)
        self.head_weight = nn.Parameter(torch.stack([m.head.weight.detach() for m in models]))  # (M, out, H)
        self.head_bias = nn.Parameter(torch.stack([m.head.bias.detach() for m in models]).unsqueeze(1))
        structure = [_structure(m.cell) for m in models]
        for part in structure[0]:
            mask = torch.tensor([s[part] for s in structure], dtype=self.weight_h.dtype).view(-1, 1, 1)
            self.register_buffer(part, mask)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = check_sequence_input(self, x)
        M, H = self.members, self.hidden_size
        # input projection for every member and step at once, time first: (time, M, batch, 4H)
        xw = torch.einsum("bti,mgi->tmbg", x, self.weight_x) + self.bias
        h = x.new_zeros(M, x.shape[0], H)
        c = torch.zeros_like(h)
        # a part that every member has (or no member has) needs no mask at run time
        mixed = {name: bool(mask.min() != mask.max()) for name, mask in self.named_buffers()}
        has = {name: bool(mask.max() == 1) for name, mask in self.named_buffers()}
        peep = [self.peepholes[:, k] * self.peephole for k in range(3)] if has["peephole"] else None
        w_h_t = self.weight_h.transpose(1, 2)

        def part(name, with_part, without_part):
            """The value with the part for members that have it, the value without for the rest
            (one fused operation: lerp(a, b, mask) is a + mask * (b - a))."""
            if mixed[name]:
                without = without_part()
                if not torch.is_tensor(without):  # a gate fixed open: (1 - mask) + mask * value
                    return torch.addcmul(1 - getattr(self, name), getattr(self, name), with_part())
                return torch.lerp(without, with_part(), getattr(self, name))
            return with_part() if has[name] else without_part()

        outputs = []
        for xw_t in xw.contiguous().unbind(0):
            z = torch.baddbmm(xw_t, h, w_h_t)
            i_t, f_t, g_t, o_t = z.chunk(4, dim=2)
            if peep is not None:
                i_t, f_t = i_t + peep[0] * c, f_t + peep[1] * c
            f_t = part("forget_gate", lambda f=f_t: torch.sigmoid(f), lambda: 1.0)
            i_t = part("input_gate", lambda i=i_t: torch.sigmoid(i), lambda: 1.0)
            i_t = part("coupled", lambda f=f_t: 1 - f, lambda i=i_t: i)
            g_t = part("input_activation", lambda g=g_t: torch.tanh(g), lambda g=g_t: g)
            c = f_t * c + i_t * g_t
            if peep is not None:
                o_t = o_t + peep[2] * c
            o_t = part("output_gate", lambda o=o_t: torch.sigmoid(o), lambda: 1.0)
            h = o_t * part("output_activation", lambda c=c: torch.tanh(c), lambda c=c: c)
            outputs.append(h)
        if self.readout == "last":
            return torch.baddbmm(self.head_bias, h, self.head_weight.transpose(1, 2))
        hs = torch.stack(outputs, dim=2)  # (M, batch, time, H)
        return torch.einsum("mbth,moh->mbto", hs, self.head_weight) + self.head_bias.unsqueeze(1)

    def clip_grad_norm_(self, max_norm: float) -> torch.Tensor:
        """Clip each member's gradient to norm ``max_norm``, separately; return the norms."""
        grads = [p.grad for p in self.parameters() if p.grad is not None]
        norms = torch.sqrt(sum(g.pow(2).flatten(1).sum(1) for g in grads))  # (M,)
        scale = (max_norm / (norms + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(scale.view(-1, *([1] * (g.dim() - 1))))
        return norms


class GRUEnsemble(nn.Module):
    """M sequence models with a ``GRUCell``, run as one, like ``LSTMEnsemble``.

    The same contract: ``forward(x)`` takes one shared batch (batch, time, input_size) and
    returns (M, batch, out_features) for ``readout="last"`` or (M, batch, time, out_features)
    for ``readout="all"``; ``clip_grad_norm_`` clips each member's gradient on its own.
    """

    def __init__(self, models):
        super().__init__()
        models = list(models)
        if not models:
            raise ValueError("GRUEnsemble expected at least one model, got none")
        for m in models:
            if not isinstance(m, SequenceModel) or not isinstance(m.cell, GRUCell):
                raise ValueError(
                    f"GRUEnsemble expected SequenceModels whose cell is a GRUCell, got {type(m).__name__}"
                    + (f" with {type(m.cell).__name__}" if isinstance(m, SequenceModel) else "")
                )
        _check_one_shape("GRUEnsemble", models)
        first = models[0]
        self.input_size, self.hidden_size = first.cell.input_size, first.cell.hidden_size
        self.readout = first.readout
        self.members = len(models)

        def stack(name):
            return torch.stack([getattr(m.cell, name).detach() for m in models])

        self.weight_x = nn.Parameter(stack("weight_x"))  # (M, 3H, I), rows r, z, n
        self.weight_h = nn.Parameter(stack("weight_h"))  # (M, 3H, H)
        self.bias = nn.Parameter(stack("bias").unsqueeze(1))  # (M, 1, 3H)
        self.bias_h = nn.Parameter(stack("bias_h").unsqueeze(1))  # (M, 1, 3H)
        self.head_weight = nn.Parameter(torch.stack([m.head.weight.detach() for m in models]))
        self.head_bias = nn.Parameter(torch.stack([m.head.bias.detach() for m in models]).unsqueeze(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = check_sequence_input(self, x)
        xw = torch.einsum("bti,mgi->tmbg", x, self.weight_x) + self.bias  # (time, M, batch, 3H)
        h = x.new_zeros(self.members, x.shape[0], self.hidden_size)
        w_h_t = self.weight_h.transpose(1, 2)
        outputs = []
        for xw_t in xw.contiguous().unbind(0):
            hw = torch.baddbmm(self.bias_h, h, w_h_t)
            x_r, x_z, x_n = xw_t.chunk(3, dim=2)
            h_r, h_z, h_n = hw.chunk(3, dim=2)
            r_t = torch.sigmoid(x_r + h_r)
            z_t = torch.sigmoid(x_z + h_z)
            n_t = torch.tanh(x_n + r_t * h_n)
            h = torch.lerp(n_t, h, z_t)  # (1 - z_t) * n_t + z_t * h_{t-1}
            outputs.append(h)
        return _read_out(self, h, outputs)

    clip_grad_norm_ = LSTMEnsemble.clip_grad_norm_


class MixedEnsemble(nn.Module):
    """Members of both kinds (LSTM family and GRU) in one module: an ``LSTMEnsemble`` and a
    ``GRUEnsemble`` side by side, their predictions returned in the order the models were given.

    All members must share one shape (input_size, hidden_size, out_features, readout).
    """

    def __init__(self, models):
        super().__init__()
        models = list(models)
        if not models:
            raise ValueError("MixedEnsemble expected at least one model, got none")
        _check_one_shape("MixedEnsemble", models)
        is_gru = [isinstance(getattr(m, "cell", None), GRUCell) for m in models]
        lstm = [m for m, g in zip(models, is_gru, strict=True) if not g]
        gru = [m for m, g in zip(models, is_gru, strict=True) if g]
        self.parts = nn.ModuleList()
        if lstm:
            self.parts.append(LSTMEnsemble(lstm))
        if gru:
            self.parts.append(GRUEnsemble(gru))
        order = [k for k, g in enumerate(is_gru) if not g] + [k for k, g in enumerate(is_gru) if g]
        # where each member (in the given order) sits in the concatenated output
        self.register_buffer("position", torch.argsort(torch.tensor(order)), persistent=False)
        first = self.parts[0]
        self.input_size, self.hidden_size, self.readout = first.input_size, first.hidden_size, first.readout
        self.members = len(models)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.cat([part(x) for part in self.parts])
        return out.index_select(0, self.position)

    def clip_grad_norm_(self, max_norm: float) -> torch.Tensor:
        """Clip each member's gradient to norm ``max_norm``, separately; return the norms."""
        return torch.cat([part.clip_grad_norm_(max_norm) for part in self.parts]).index_select(0, self.position)


def _check_one_shape(kind: str, models) -> None:
    shapes = set()
    for m in models:
        cell = getattr(m, "cell", None)
        if not isinstance(m, SequenceModel) or not isinstance(cell, (*LSTMEnsemble.KINDS, GRUCell)):
            raise ValueError(
                f"{kind} expected SequenceModels whose cell is an LSTM-family cell or a GRUCell, "
                f"got {type(m).__name__}" + (f" with {type(cell).__name__}" if isinstance(m, SequenceModel) else "")
            )
        if cell.bias is None:
            raise ValueError(f"{kind} expected cells with bias=True, got a cell with bias=False")
        shapes.add((cell.input_size, cell.hidden_size, m.head.out_features, m.readout))
    if len(shapes) > 1:
        raise ValueError(
            f"{kind} expected members of one shape (input_size, hidden_size, out_features, readout), "
            f"got {sorted(shapes, key=str)}"
        )


def _read_out(ensemble, h: torch.Tensor, outputs: list[torch.Tensor]) -> torch.Tensor:
    if ensemble.readout == "last":
        return torch.baddbmm(ensemble.head_bias, h, ensemble.head_weight.transpose(1, 2))
    hs = torch.stack(outputs, dim=2)  # (M, batch, time, H)
    return torch.einsum("mbth,moh->mbto", hs, ensemble.head_weight) + ensemble.head_bias.unsqueeze(1)


def member_mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error of each member of an ensemble: ``out`` is (members, batch, ...), ``y``
    is (batch, ...) and shared; returns one loss per member, as ``train`` expects."""
    return ((out - y) ** 2).flatten(1).mean(dim=1)


def member_bce(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy (on logits) of each member of an ensemble, for a yes/no task such
    as ``remember_bit``: ``out`` is (members, batch, ...) with one logit per target in ``y``,
    which is shared; returns one loss per member."""
    logits = out.flatten(1)
    if logits.shape[1] != y.numel():
        raise ValueError(
            f"member_bce expected one logit per target: {y.numel()} targets, got {logits.shape[1]} logits per member"
        )
    targets = y.reshape(1, -1).expand_as(logits).to(logits.dtype)
    return nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none").mean(dim=1)
