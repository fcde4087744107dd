"""Checkers for the exercises of chapter 19 (stateful and stateless)."""

from __future__ import annotations

import copy
import inspect

import torch
from torch import nn

from ._harness import call_student, case, changed_inputs, check_function, compare, guarded, items

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


class _RecordingLSTM(nn.LSTM):
    """An ``nn.LSTM`` that keeps a record of every call: the input, the state it was given, and
    the state it returned, so that a checker can see *how* an answer used it."""

    def forward(self, input, hx=None):  # noqa: A002 - nn.LSTM's own argument names
        output, (h_n, c_n) = super().forward(input, hx)
        given = None if hx is None else tuple(t.detach().clone() for t in hx)
        self.calls.append({"input": input.detach().clone(), "state": given,
                           "final": (h_n.detach().clone(), c_n.detach().clone())})
        return output, (h_n, c_n)


def _random_lstm(generator, input_size, hidden_size, num_layers=1):
    # float32, the default dtype: an answer that builds its own zero state with torch.zeros
    # must not fail on a dtype the exercise never mentions
    lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, batch_first=True)
    with torch.no_grad():
        for p in lstm.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * 0.6)
    return lstm


def _recording(lstm):
    twin = _RecordingLSTM(lstm.input_size, lstm.hidden_size, num_layers=lstm.num_layers, batch_first=True)
    twin.load_state_dict(lstm.state_dict())
    twin.calls = []
    return twin


# batch, input_size, hidden_size, chunk lengths, layers: sizes of 1, one chunk, chunks of one step
_CARRY_SIZES = [
    (2, 3, 4, (5, 5, 5), 1),
    (3, 1, 5, (4, 7, 2, 6), 1),
    (1, 2, 3, (3, 3), 2),
    (1, 1, 1, (1, 4, 1), 1),
    (4, 3, 2, (2, 1, 3), 3),
    (2, 2, 1, (6,), 2),
]


def _carry_cases():
    gen = torch.Generator().manual_seed(19)
    cases = []
    for batch, inputs, hidden, lengths, layers in _CARRY_SIZES:
        lstm = _random_lstm(gen, inputs, hidden, layers)
        chunks = [torch.randn(batch, t, inputs, generator=gen) for t in lengths]
        what = (f"a {layers}-layer nn.LSTM({inputs}, {hidden}) and {items(len(chunks), 'chunk')} "
                f"of batch {batch}, lengths {list(lengths)}")
        cases.append(case(lstm, chunks, description=what))
    return cases


_CARRY_MISTAKES = [
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
]

def _known_mistake(lstm, chunks, got) -> str:
    for wrong, what in _CARRY_MISTAKES:
        try:
            if compare(wrong(copy.deepcopy(lstm), [x.clone() for x in chunks]), got, atol=1e-5, rtol=1e-4) is None:
                return f" It matches what you get with {what}."
        except Exception:  # noqa: BLE001, S112 - a mistake model that cannot run is no hint
            continue
    return ""


_ONE_CALL_PER_CHUNK = (
    "run the chunks one call at a time, in order, handing the (h, c) that each call returns to the "
    "call on the next chunk"
)


def _is_zero(state) -> bool:
    return state is None or all(not t.any() for t in state)


def _same(a, b) -> bool:
    return a.shape == b.shape and torch.allclose(a.double(), b.double(), atol=1e-5, rtol=1e-4)


def _mechanism(calls, chunks, values_right: bool = True) -> str | None:
    """None if the calls ran the chunks in order with the state carried; else what went wrong."""
    lengths = [x.shape[1] for x in chunks]
    total = sum(lengths)
    if not calls:
        return f"never calls the lstm it was given (use it, not an LSTM of your own): {_ONE_CALL_PER_CHUNK}"
    steps = [call["input"].shape[1] if call["input"].dim() == 3 else None for call in calls]
    if None in steps:
        return "calls the lstm on an input that is not (batch, time, input_size): pass each chunk as it is"
    if len(calls) == 1 and len(chunks) > 1 and steps[0] == total:
        same = "that gives the same values, but " if values_right else ""
        return (f"calls the lstm once, on all {total} steps of the chunks joined together: {same}the exercise "
                f"is about carrying the state, so {_ONE_CALL_PER_CHUNK}")
    if sum(steps) != total:
        return (f"calls the lstm {items(len(calls), 'time')} on {sum(steps)} steps in all, but the chunks have "
                f"{total}: {_ONE_CALL_PER_CHUNK}")
    boundaries = {sum(lengths[:k]) for k in range(1, len(lengths))}
    ends = {sum(steps[: k + 1]) for k in range(len(steps))}
    joined = torch.cat(chunks, dim=1)
    position = 0
    for number, (call, n) in enumerate(zip(calls, steps, strict=True), start=1):
        if not _same(call["input"], joined[:, position:position + n]):
            return (f"gives the lstm, in call {number}, steps that are not the next ones of the chunks: "
                    f"{_ONE_CALL_PER_CHUNK}")
        position += n
    if not boundaries <= ends:
        return (f"calls the lstm on pieces that run across a boundary between two chunks "
                f"(steps per call: {steps}): {_ONE_CALL_PER_CHUNK}")
    if not _is_zero(calls[0]["state"]):
        return "starts the first chunk from a state that is not zero: start from None (zeros)"
    for number in range(1, len(calls)):
        given, previous = calls[number]["state"], calls[number - 1]["final"]
        if len(given or ()) == 2 and all(_same(g, p) for g, p in zip(given, previous, strict=True)):
            continue
        at = f"call {number + 1} of {len(calls)}"
        if _is_zero(given):
            return f"starts {at} from a zero state: the state is not carried from one chunk to the next"
        h, c = given if len(given) == 2 else (None, None)
        if h is not None and _same(h, previous[1]) and _same(c, previous[0]):
            return f"hands the state on as (c, h) instead of (h, c) (at {at})"
        if h is not None and _same(h, previous[0]) and not c.any():
            return f"carries h but resets the cell state c to zeros (at {at}): hand on both"
        if number > 1 and h is not None and all(
                _same(g, p) for g, p in zip(given, calls[0]["final"], strict=True)):
            return (f"hands the first chunk's final state to {at}, not the state the call before returned: "
                    "update the state after every chunk")
        return f"gives {at} a state that is not the (h, c) the call before it returned"
    return None


@guarded
def check_carry_state(carry_state) -> bool:
    """Check ``carry_state(lstm, chunks) -> outputs``: the chunks run in order, one call each,
    (h, c) carried from each call to the next, the outputs joined along the time axis.

    The answer is given an ``nn.LSTM`` that records its calls, so an answer that skips what the
    exercise teaches (one call over the chunks joined together) is refused, not only one whose
    values are wrong. Detaching the carried state is accepted either way: it changes gradients,
    not values."""
    name = "carry_state"
    if not callable(carry_state):
        return check_function(carry_state, _carry_state, [], name=name)
    try:
        arg_names = list(inspect.signature(carry_state).parameters)
    except (TypeError, ValueError):
        arg_names = []
    cases = _carry_cases()
    for number, c in enumerate(cases, start=1):
        on = f"on input {number} of {len(cases)}: {c.describe()}"
        lstm, chunks = c.args
        expected = _carry_state(copy.deepcopy(lstm), [x.clone() for x in chunks])
        recorder, given = _recording(lstm), [x.clone() for x in chunks]
        ok, got = call_student(carry_state, name, recorder, given, on=on)
        if not ok:
            return False
        problem = compare(expected, got, atol=1e-5, rtol=1e-4)
        if problem is not None:
            hint = _known_mistake(lstm, chunks, got)
            wrong_use = None if hint else _mechanism(recorder.calls, chunks, values_right=False)
            if wrong_use is not None:  # what the calls show is the more precise message
                print(f"✗ {name} {wrong_use} ({on}). Also, {problem}.")
            else:
                print(f"✗ {name}: {problem} ({on}).{hint}")
            return False
        changed = changed_inputs(c, (recorder, given), {}, arg_names or ["lstm", "chunks"])
        if changed is not None:
            print(f"✗ {name} gives the right result but changes {changed} in place ({on}): leave the "
                  "lstm and the list of chunks as they were given.")
            return False
        wrong_use = _mechanism(recorder.calls, chunks)
        if wrong_use is not None:
            print(f"✗ {name} {wrong_use} ({on}).")
            return False
    print(f"✓ {name} gives the expected result on all {len(cases)} inputs, carrying (h, c) from chunk to chunk.")
    return True


# --- stream_layout(series, batch_size, time_step): B streams cut into consecutive chunks ------


def _stream_layout(series, batch_size, time_step, *, mistake=None):
    n_chunks = len(series) // (batch_size * time_step)
    keep = batch_size * n_chunks * time_step
    if mistake == "front":
        return series[len(series) - keep:].reshape(batch_size, n_chunks, time_step).transpose(0, 1)
    if mistake == "reading order":
        return series[:keep].reshape(n_chunks, batch_size, time_step)
    if mistake == "spread":  # stream i starts at i * (N // batch_size), the left-over spread between streams
        every = len(series) // batch_size
        streams = torch.stack([series[i * every: i * every + n_chunks * time_step] for i in range(batch_size)])
        return streams.reshape(batch_size, n_chunks, time_step).transpose(0, 1)
    streams = series[:keep].reshape(batch_size, n_chunks, time_step)
    if mistake == "streams":
        return streams
    if mistake == "time major":
        return streams.permute(1, 2, 0)
    return streams.transpose(0, 1)


# (N, batch_size, time_step): left-overs or none, batch_size 1, time_step 1, one chunk per stream,
# as many chunks as streams (so that forgetting the transpose keeps the shape), left-overs
# larger than N // batch_size spreads
_LAYOUT_SIZES = [(26, 2, 4), (50, 3, 5), (47, 4, 3), (12, 1, 4), (7, 2, 1), (18, 3, 2), (10, 3, 3), (60, 4, 5)]


def _layout_cases():
    cases = []
    for n, batch_size, time_step in _LAYOUT_SIZES:
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
            (lambda s, b, t: _stream_layout(s, b, t, mistake="spread"),
             "stream i starting at step i * (N // batch_size): drop the left-over steps at the end first, so "
             "that stream i starts at i * n_chunks * time_step"),
            (lambda s, b, t: _stream_layout(s, b, t, mistake="time major"),
             "the axes ordered (n_chunks, time_step, batch_size): each batch is (batch_size, time_step), one "
             "stream per row"),
        ],
        atol=0.0,
        rtol=0.0,
    )
