"""Checkers for the exercises of chapter 19 (stateful and stateless)."""

from __future__ import annotations

import torch
from torch import nn

from ._harness import case, check_function, guarded

__all__ = ["check_carry_state", "check_stream_layout"]


# --- carry_state(lstm, chunks): run the chunks in order, carrying (h, c) -------------------


def _carry_state(lstm, chunks, *, carry="both"):
    """The reference, and (through ``carry``) the typical ways of getting it wrong."""
    outputs, state = [], None
    for x in chunks:
        out, (h_n, c_n) = lstm(x, state)
        outputs.append(out)
        if carry == "both":
            state = (h_n.detach(), c_n.detach())
        elif carry == "h only":
            state = (h_n.detach(), torch.zeros_like(c_n))
        elif carry == "swapped":
            state = (c_n.detach(), h_n.detach())
        elif carry == "first":
            state = state if state is not None else (h_n.detach(), c_n.detach())
        # carry == "none": every chunk starts from zeros
    return torch.cat(outputs, dim=1)


def _random_lstm(generator, input_size, hidden_size, num_layers=1):
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for p in lstm.parameters():
            p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) * 0.6)
    return lstm


def _carry_cases():
    gen = torch.Generator().manual_seed(19)
    cases = []
    for batch, inputs, hidden, lengths, layers in [
        (2, 3, 4, (5, 5, 5), 1),
        (3, 1, 5, (4, 7, 2, 6), 1),
        (1, 2, 3, (3, 3), 2),
    ]:
        lstm = _random_lstm(gen, inputs, hidden, layers)
        chunks = [torch.randn(batch, t, inputs, generator=gen, dtype=torch.float64) for t in lengths]
        what = f"a {layers}-layer nn.LSTM({inputs}, {hidden}) and {len(chunks)} chunks of batch {batch}"
        cases.append(case(lstm, chunks, description=what + f", lengths {list(lengths)}"))
    return cases


@guarded
def check_carry_state(carry_state) -> bool:
    """Check ``carry_state(lstm, chunks) -> outputs``: the chunks run in order, (h, c) carried,
    the outputs joined along the time axis."""
    return check_function(
        carry_state,
        _carry_state,
        _carry_cases(),
        name="carry_state",
        mistakes=[
            (lambda lstm, chunks: _carry_state(lstm, chunks, carry="none"),
             "every chunk started from a zero state: the state is not carried"),
            (lambda lstm, chunks: _carry_state(lstm, chunks, carry="h only"),
             "h carried but the cell state c reset to zeros"),
            (lambda lstm, chunks: _carry_state(lstm, chunks, carry="swapped"),
             "the state handed on as (c, h) instead of (h, c)"),
            (lambda lstm, chunks: _carry_state(lstm, chunks, carry="first"),
             "the state of the first chunk handed to every later chunk, never updated"),
            (lambda lstm, chunks: _carry_state(lstm, chunks[::-1]),
             "the chunks run in reverse order"),
            (lambda lstm, chunks: torch.cat([lstm(x)[0] for x in chunks], dim=0),
             "the outputs joined along the batch axis (dim=0) instead of time (dim=1)"),
        ],
    )


# --- stream_layout(series, batch_size, time_step): B streams cut into consecutive chunks ------


def _stream_layout(series, batch_size, time_step, *, mistake=None):
    n_chunks = len(series) // (batch_size * time_step)
    keep = batch_size * n_chunks * time_step
    if mistake == "front":
        return series[len(series) - keep:].reshape(batch_size, n_chunks, time_step).transpose(0, 1)
    if mistake == "reading order":
        return series[:keep].reshape(n_chunks, batch_size, time_step)
    streams = series[:keep].reshape(batch_size, n_chunks, time_step)
    if mistake == "streams":
        return streams
    return streams.transpose(0, 1)


def _layout_cases():
    cases = []
    for n, batch_size, time_step in [(26, 2, 4), (50, 3, 5), (47, 4, 3), (12, 1, 4)]:
        series = torch.arange(float(n), dtype=torch.float64)
        cases.append(case(series, batch_size, time_step,
                          description=f"series = torch.arange({n}.), batch_size={batch_size}, time_step={time_step}"))
    gen = torch.Generator().manual_seed(19)
    cases.append(case(torch.randn(61, generator=gen, dtype=torch.float64), 3, 6,
                      description="a random series of 61 values, batch_size=3, time_step=6"))
    return cases


@guarded
def check_stream_layout(stream_layout) -> bool:
    """Check ``stream_layout(series, batch_size, time_step) -> chunks`` of shape
    (n_chunks, batch_size, time_step), row i of batch k + 1 continuing row i of batch k."""
    return check_function(
        stream_layout,
        _stream_layout,
        _layout_cases(),
        name="stream_layout",
        mistakes=[
            (lambda s, b, t: _stream_layout(s, b, t, mistake="reading order"),
             "the series cut in reading order, consecutive pieces side by side in one batch: row i of "
             "the next batch does not continue row i (reshape the streams first, then transpose)"),
            (lambda s, b, t: _stream_layout(s, b, t, mistake="streams"),
             "the streams (batch_size, n_chunks, time_step) not laid out as batches: transpose the first two axes"),
            (lambda s, b, t: _stream_layout(s, b, t, mistake="front"),
             "the left-over steps dropped from the start of the series instead of the end"),
        ],
        atol=0.0,
        rtol=0.0,
    )
