"""The checkers of chapter 19 accept the reference answers and name the typical mistakes."""

import torch

from lstm_tutorial import exercises
from lstm_tutorial.stateful import run_chunks, stateful_batches


def _verdict(capsys, checker, answer):
    ok = checker(answer)
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1, out
    return ok, out


def _starter(*args):
    raise NotImplementedError


# --- carry_state ---------------------------------------------------------------------------


def carry_state(lstm, chunks):
    outputs, state = [], None
    for x in chunks:
        out, state = lstm(x, state)
        outputs.append(out)
        state = tuple(s.detach() for s in state)
    return torch.cat(outputs, dim=1)


def test_carry_state_reference_passes(capsys):
    ok, out = _verdict(capsys, exercises.check_carry_state, carry_state)
    assert ok and out.startswith("✓ carry_state")


def test_carry_state_without_detach_passes_too(capsys):
    # detaching changes gradients, not values: the checker must accept both
    ok, out = _verdict(capsys, exercises.check_carry_state, lambda lstm, chunks: run_chunks(lstm, chunks)[0])
    assert ok, out
    ok, out = _verdict(capsys, exercises.check_carry_state,
                       lambda lstm, chunks: run_chunks(lstm, chunks, detach=False)[0])
    assert ok, out


def test_carry_state_starter_is_not_implemented(capsys):
    ok, out = _verdict(capsys, exercises.check_carry_state, _starter)
    assert not ok and "not implemented yet" in out


def test_carry_state_without_carrying(capsys):
    ok, out = _verdict(capsys, exercises.check_carry_state,
                       lambda lstm, chunks: torch.cat([lstm(x)[0] for x in chunks], dim=1))
    assert not ok and "the state is not carried" in out


def test_carry_state_resetting_c(capsys):
    def h_only(lstm, chunks):
        outputs, state = [], None
        for x in chunks:
            out, (h, c) = lstm(x, state)
            outputs.append(out)
            state = (h, torch.zeros_like(c))
        return torch.cat(outputs, dim=1)

    ok, out = _verdict(capsys, exercises.check_carry_state, h_only)
    assert not ok and "cell state c reset to zeros" in out


def test_carry_state_swapped(capsys):
    def swapped(lstm, chunks):
        outputs, state = [], None
        for x in chunks:
            out, (c, h) = lstm(x, state)  # unpacked the wrong way round
            outputs.append(out)
            state = (h, c)
        return torch.cat(outputs, dim=1)

    ok, out = _verdict(capsys, exercises.check_carry_state, swapped)
    assert not ok and "(c, h) instead of (h, c)" in out


def test_carry_state_wrong_axis(capsys):
    ok, out = _verdict(capsys, exercises.check_carry_state,
                       lambda lstm, chunks: run_chunks(lstm, chunks)[0].transpose(0, 1).reshape(-1, 1))
    assert not ok and "should have shape" in out
    ok, out = _verdict(capsys, exercises.check_carry_state,
                       lambda lstm, chunks: torch.cat([lstm(x)[0] for x in chunks], dim=0))
    assert not ok and "joined along the batch axis" in out


def test_carry_state_that_raises(capsys):
    ok, out = _verdict(capsys, exercises.check_carry_state, lambda lstm, chunks: lstm(chunks)[0])
    assert not ok and "carry_state raised" in out


# --- stream_layout -------------------------------------------------------------------------


def stream_layout(series, batch_size, time_step):
    n_chunks = len(series) // (batch_size * time_step)
    streams = series[: batch_size * n_chunks * time_step].reshape(batch_size, n_chunks, time_step)
    return streams.transpose(0, 1)


def test_stream_layout_reference_passes(capsys):
    ok, out = _verdict(capsys, exercises.check_stream_layout, stream_layout)
    assert ok and out.startswith("✓ stream_layout")
    ok, out = _verdict(capsys, exercises.check_stream_layout, stateful_batches)
    assert ok, out


def test_stream_layout_starter_is_not_implemented(capsys):
    ok, out = _verdict(capsys, exercises.check_stream_layout, _starter)
    assert not ok and "not implemented yet" in out


def test_stream_layout_in_reading_order(capsys):
    def reading_order(series, batch_size, time_step):
        n_chunks = len(series) // (batch_size * time_step)
        return series[: n_chunks * batch_size * time_step].reshape(n_chunks, batch_size, time_step)

    ok, out = _verdict(capsys, exercises.check_stream_layout, reading_order)
    assert not ok and "cut in reading order" in out


def test_stream_layout_without_transpose(capsys):
    def streams_only(series, batch_size, time_step):
        return stream_layout(series, batch_size, time_step).transpose(0, 1)

    ok, out = _verdict(capsys, exercises.check_stream_layout, streams_only)
    assert not ok and "should have shape" in out and "transpose the first two axes" in out


def test_stream_layout_dropping_the_start(capsys):
    def from_the_end(series, batch_size, time_step):
        n_chunks = len(series) // (batch_size * time_step)
        keep = batch_size * n_chunks * time_step
        return stream_layout(series[len(series) - keep:], batch_size, time_step)

    ok, out = _verdict(capsys, exercises.check_stream_layout, from_the_end)
    assert not ok and "dropped from the start" in out


def test_stream_layout_off_by_one_chunk(capsys):
    def one_chunk_too_many(series, batch_size, time_step):
        n_chunks = -(-len(series) // (batch_size * time_step))  # rounds up: needs steps that are not there
        return series[: batch_size * n_chunks * time_step].reshape(batch_size, n_chunks, time_step).transpose(0, 1)

    ok, out = _verdict(capsys, exercises.check_stream_layout, one_chunk_too_many)
    assert not ok and "stream_layout raised RuntimeError" in out
