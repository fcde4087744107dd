"""Checkers for the exercises of chapter 6 (the forget gate)."""

from __future__ import annotations

import torch

from ..cells.lstm import LSTMCell
from ..cells.unroll import record_gates, unroll
from ..data.tasks import GENDER_TOKENS, gender_stream, one_hot_words
from ._harness import case, check_function, guarded, items
from .ch01 import built_cell, dtype_hint
from .ch05 import random_lstm_cell

__all__ = ["check_counting_cell", "check_forget_gate_by_hand"]


# -- ex-forget-by-hand: forget_gate_by_hand(cell, x_t, h_prev) -> f_t ------------------------------------


def _forget_gate_by_hand(cell, x_t, h_prev, *, block=1, phi=torch.sigmoid, recurrent=True, bias=True,
                         transpose_x=True, transpose_h=True):
    H = cell.hidden_size
    rows = slice(block * H, (block + 1) * H)
    W_x, W_h = cell.weight_x[rows].detach(), cell.weight_h[rows].detach()
    z = x_t @ (W_x.T if transpose_x else W_x)
    if recurrent:
        z = z + h_prev @ (W_h.T if transpose_h else W_h)
    if bias:
        z = z + cell.bias[rows].detach()
    return phi(z)


def _cases():
    gen = torch.Generator().manual_seed(6)
    cases = []
    # hidden 3 first, so that a wrong block of rows is named at a size where rows 0:H are not row 0 alone;
    # input = hidden once, where x_t @ W_f (untransposed) runs and gives wrong numbers instead of an error;
    # batch 1, input 1 and hidden 1 last (a squeeze, or a hard-coded row, shows there)
    for batch, inputs, hidden in [(3, 2, 3), (2, 4, 4), (1, 3, 2), (2, 1, 2), (1, 3, 1)]:
        cell = random_lstm_cell(gen, inputs, hidden)
        x_t = torch.randn(batch, inputs, generator=gen, dtype=torch.float64)
        h_prev = torch.tanh(torch.randn(batch, hidden, generator=gen, dtype=torch.float64))
        cases.append(case(cell, x_t, h_prev, description=(
            f"an LSTMCell({inputs}, {hidden}) with random weights, x_t of shape {list(x_t.shape)} and h_prev "
            f"of shape {list(h_prev.shape)}")))
    return cases


def _variant(**options):
    return lambda cell, x_t, h_prev: _forget_gate_by_hand(cell, x_t, h_prev, **options)


@guarded
def check_forget_gate_by_hand(forget_gate_by_hand) -> bool:
    """Check ``forget_gate_by_hand(cell, x_t, h_prev) -> f_t``, sigma(W_f [h_prev, x_t] + b_f) of an
    ``lt.LSTMCell`` from its weights: x_t (batch, input_size), h_prev and f_t (batch, hidden_size)."""
    order = "the forget gate's rows are H:2*H (the order is i, f, g, o)"
    return check_function(
        dtype_hint(forget_gate_by_hand) if callable(forget_gate_by_hand) else forget_gate_by_hand,
        _forget_gate_by_hand,
        _cases(),
        name="forget_gate_by_hand",
        mistakes=[
            (_variant(block=0), f"rows 0:H, the input gate's: {order}"),
            (_variant(block=2), f"rows 2*H:3*H, the candidate's: {order}"),
            (_variant(block=3), f"rows 3*H:4*H, the output gate's: {order}"),
            (_variant(phi=torch.tanh), "a tanh where the gate's sigmoid belongs"),
            (_variant(phi=lambda z: z), "no sigmoid: the gate is σ(W_f [h_{t-1}, x_t] + b_f)"),
            (_variant(phi=lambda z: 1 - torch.sigmoid(z)), "1 - σ(...): the gate is σ(W_f [h_{t-1}, x_t] + b_f)"),
            (_variant(recurrent=False),
             "h_prev left out (as if h_{t-1} were 0): after the first step the hidden state counts"),
            (_variant(bias=False), "the bias b_f left out"),
            (_variant(transpose_h=False),
             "h_prev @ W_h[H:2*H] without the transpose: the product is h_prev @ W_h[H:2*H].T"),
            (_variant(transpose_x=False),
             "x_t @ W_x[H:2*H] without the transpose: the product is x_t @ W_x[H:2*H].T"),
        ],
    )


# -- ex-counting-cell: counting_cell() -> an LSTMCell(3, 1) that adds +1 at Anna, -1 at Ben, never forgets --

#: what the counting cell should write at each word of GENDER_TOKENS
_WRITE = {"word": 0.0, "Anna": 1.0, "Ben": -1.0}
_TOLERANCE = 0.05


def _texts() -> list[str]:
    texts = [
        "Anna word word word Ben word Anna",
        "Ben word Anna",
        "Anna word Ben",
        "word word Anna word word word word word",
        "Ben Ben Ben word Anna word",
        "Anna Anna word Anna Anna word Ben",
    ]
    _, _, tokens = gender_stream(2, 30, generator=torch.Generator().manual_seed(60))
    texts += [" ".join(GENDER_TOKENS[t] for t in row.tolist()) for row in tokens]
    return texts


def _quoted(words, t: int) -> str:
    shown = " ".join(words[: t + 1])
    return f"'{shown}'" if t < 8 else f"'... {' '.join(words[t - 4 : t + 1])}' (step {t + 1} of a stream of 30)"


def _diagnosis(words, t, trace, c) -> str:
    """What the cell does wrong at step t, the first step where its cell state is not the count."""
    word = words[t]
    f_t, i_t, g_t = (trace[k][0, t, 0].item() for k in "fig")
    written, wanted = i_t * g_t, _WRITE[word]
    c_prev = c[t - 1].item() if t else 0.0
    if abs(written - wanted) <= _TOLERANCE / 2:
        return (f"the forget gate is {f_t:.3f} there, so it keeps only part of the stored {c_prev:+.2f}: a cell "
                "that never forgets holds f_t at 1 at every word (a large positive bias in row 1, the forget gate's)")
    if word == "word":
        return (f"it writes i_t * C~_t = {written:+.2f} at 'word', where it should write nothing: close the input "
                "gate at 'word' (a large negative input to row 0) or make the candidate 0 there")
    if written * wanted < 0 and abs(written) > 0.5:
        return (f"it writes {written:+.2f} at '{word}': the candidate's signs are the wrong way round "
                "('Anna' adds +1, 'Ben' adds -1)")
    return (f"it writes i_t * C~_t = {i_t:.2f} * {g_t:+.2f} = {written:+.2f} at '{word}', where it should write "
            f"{wanted:+.0f}: saturate both layers (inputs of about ±30 give σ = 0 or 1 and tanh = ±1)")


@guarded
def check_counting_cell(counting_cell) -> bool:
    """Check ``counting_cell() -> lt.LSTMCell(3, 1)``: on the gender toy's one-hot words its cell state
    is, at every step, the number of "Anna"s minus the number of "Ben"s read so far."""
    cell = built_cell(counting_cell, (), LSTMCell, "counting_cell", input_size=3, hidden_size=1)
    if cell is None:
        return False
    texts = _texts()
    for text in texts:
        words = text.split()
        x = one_hot_words(words).to(dtype=cell.weight_x.dtype)
        with record_gates(cell) as trace, torch.no_grad():
            unroll(cell, x)
        c = trace["c"][0, :, 0]
        count = torch.tensor([_WRITE[w] for w in words], dtype=c.dtype).cumsum(0)
        wrong = (~((c - count).abs() <= _TOLERANCE)).nonzero()  # a NaN is wrong too
        if len(wrong):
            t = int(wrong[0])
            hint = ""
            if cell.weight_h.detach().abs().max() > 0:
                hint = " (Its weight_h is not zero, so its gates also depend on h_{t-1}: set it to zero.)"
            print(f"✗ counting_cell: after {_quoted(words, t)} its cell state is {c[t].item():+.2f}, not "
                  f"{count[t].item():+.0f} (the count of 'Anna' minus the count of 'Ben' so far): "
                  f"{_diagnosis(words, t, trace, c)}.{hint}")
            return False
    print(f"✓ counting_cell never forgets and adds +1 at 'Anna', -1 at 'Ben' and nothing at 'word', "
          f"on all {items(len(texts), 'text')}.")
    return True
