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


# --- carry_state: answers that skip the mechanism, and right answers written differently ------


def test_one_call_over_the_joined_chunks_is_refused(capsys):
    # the same values as carrying the state, but not what the exercise asks for
    ok, out = _verdict(capsys, exercises.check_carry_state,
                       lambda lstm, chunks: lstm(torch.cat(chunks, dim=1))[0])
    assert not ok and "calls the lstm once" in out and "joined together" in out, out
    assert "one call at a time" in out and "(h, c)" in out, out


def test_joining_some_of_the_chunks_is_refused(capsys):
    def two_at_a_time(lstm, chunks):
        outputs, state = [], None
        for k in range(0, len(chunks), 2):
            out, state = lstm(torch.cat(chunks[k:k + 2], dim=1), state)
            outputs.append(out)
        return torch.cat(outputs, dim=1)

    ok, out = _verdict(capsys, exercises.check_carry_state, two_at_a_time)
    assert not ok and "across a boundary between two chunks" in out, out


def test_a_joined_call_next_to_the_chunked_one_is_refused(capsys):
    def both(lstm, chunks):
        lstm(torch.cat(chunks, dim=1))  # looked at, not used
        return carry_state(lstm, chunks)

    ok, out = _verdict(capsys, exercises.check_carry_state, both)
    assert not ok and "steps in all, but the chunks have" in out, out


def test_a_copy_of_the_lstm_is_refused(capsys):
    import copy

    def on_a_copy(lstm, chunks):
        return copy.deepcopy(lstm)(torch.cat(chunks, dim=1))[0]

    ok, out = _verdict(capsys, exercises.check_carry_state, on_a_copy)
    assert not ok, out


def test_a_random_first_state_is_refused(capsys):
    def random_start(lstm, chunks):
        batch = chunks[0].shape[0]
        shape = (lstm.num_layers, batch, lstm.hidden_size)
        outputs, state = [], (torch.randn(shape), torch.randn(shape))
        for x in chunks:
            out, state = lstm(x, state)
            outputs.append(out)
        return torch.cat(outputs, dim=1)

    ok, out = _verdict(capsys, exercises.check_carry_state, random_start)
    assert not ok and "first chunk from a state that is not zero" in out, out


def test_the_first_state_forever_is_refused(capsys):
    def first_only(lstm, chunks):
        outputs, state = [], None
        for x in chunks:
            out, final = lstm(x, state)
            outputs.append(out)
            state = state or final
        return torch.cat(outputs, dim=1)

    ok, out = _verdict(capsys, exercises.check_carry_state, first_only)
    assert not ok and "first chunk" in out, out


def test_reversed_chunks_are_named(capsys):
    ok, out = _verdict(capsys, exercises.check_carry_state, lambda lstm, chunks: carry_state(lstm, chunks[::-1]))
    assert not ok and "reverse order" in out, out


def test_squeeze_breaks_at_batch_or_hidden_size_one(capsys):
    ok, out = _verdict(capsys, exercises.check_carry_state,
                       lambda lstm, chunks: carry_state(lstm, chunks).squeeze())
    assert not ok and "should have shape [1, 6, 3]" in out, out


def test_popping_the_chunks_changes_the_list(capsys):
    def popping(lstm, chunks):
        outputs, state = [], None
        while chunks:
            out, state = lstm(chunks.pop(0), state)
            outputs.append(out)
        return torch.cat(outputs, dim=1)

    ok, out = _verdict(capsys, exercises.check_carry_state, popping)
    assert not ok and "changes chunks in place" in out, out


def test_changing_the_weights_is_refused(capsys):
    def meddling(lstm, chunks):
        result = carry_state(lstm, chunks)
        with torch.no_grad():
            lstm.bias_hh_l0.add_(1.0)
        return result

    ok, out = _verdict(capsys, exercises.check_carry_state, meddling)
    assert not ok and "changes lstm (its bias_hh_l0) in place" in out, out


def test_returning_none_or_a_list_is_a_sentence(capsys):
    ok, out = _verdict(capsys, exercises.check_carry_state, lambda lstm, chunks: None)
    assert not ok and out.startswith("✗ carry_state") and "got None" in out, out
    ok, out = _verdict(capsys, exercises.check_carry_state,
                       lambda lstm, chunks: [lstm(x)[0] for x in chunks])
    assert not ok and out.startswith("✗ carry_state"), out


def test_not_a_function(capsys):
    ok, out = _verdict(capsys, exercises.check_carry_state, 42)
    assert not ok and "should be a function" in out, out


def test_right_answers_written_differently_pass(capsys):
    def step_by_step(lstm, chunks):  # one call per time step, the state carried all along
        outputs, state = [], None
        for x in chunks:
            for x_t in x.split(1, dim=1):
                out, state = lstm(x_t, state)
                outputs.append(out)
        return torch.cat(outputs, dim=1)

    def explicit_zeros(lstm, chunks):
        shape = (lstm.num_layers, chunks[0].shape[0], lstm.hidden_size)
        h, c = torch.zeros(shape), torch.zeros(shape)
        outputs = []
        for x in chunks:
            out, (h, c) = lstm.forward(x, hx=[h, c])
            outputs.append(out)
        return torch.cat(outputs, dim=1)

    def growing(lstm, chunks):
        result, state = None, None
        for x in chunks:
            out, state = lstm(x, state)
            state = (state[0].detach(), state[1].detach())
            result = out if result is None else torch.cat((result, out), 1)
        return result

    for answer in (step_by_step, explicit_zeros, growing):
        ok, out = _verdict(capsys, exercises.check_carry_state, answer)
        assert ok and out.startswith("✓ carry_state"), (answer.__name__, out)


def test_the_checker_covers_the_edge_sizes():
    from lstm_tutorial.exercises import ch19

    sizes = ch19._CARRY_SIZES
    assert any(b == 1 for b, *_ in sizes) and any(h == 1 for _, _, h, _, _ in sizes)
    assert any(i == 1 for _, i, *_ in sizes) and any(len(t) == 1 for *_, t, _ in sizes)
    assert any(1 in t for *_, t, _ in sizes) and max(layers for *_, layers in sizes) >= 3


# --- stream_layout: more mistakes and right variants ---------------------------------------


def test_stream_layout_spread_left_overs(capsys):
    def spread(series, batch_size, time_step):
        n_chunks = len(series) // (batch_size * time_step)
        every = len(series) // batch_size
        streams = torch.stack([series[i * every: i * every + n_chunks * time_step] for i in range(batch_size)])
        return streams.reshape(batch_size, n_chunks, time_step).transpose(0, 1)

    ok, out = _verdict(capsys, exercises.check_stream_layout, spread)
    assert not ok and "drop the left-over steps at the end first" in out, out


def test_stream_layout_without_transpose_at_a_square_size_is_named(capsys):
    from lstm_tutorial.exercises import ch19

    # when n_chunks == batch_size the shape is right and only the values say what is wrong
    assert any(n // (b * t) == b for n, b, t in ch19._LAYOUT_SIZES)

    def streams_only(series, batch_size, time_step):
        n_chunks = len(series) // (batch_size * time_step)
        return series[: batch_size * n_chunks * time_step].reshape(batch_size, n_chunks, time_step)

    ok, out = _verdict(capsys, exercises.check_stream_layout, streams_only)
    assert not ok and "transpose the first two axes" in out, out


def test_stream_layout_time_major(capsys):
    ok, out = _verdict(capsys, exercises.check_stream_layout,
                       lambda s, b, t: stream_layout(s, b, t).transpose(1, 2))
    assert not ok and "(n_chunks, time_step, batch_size)" in out, out


def test_stream_layout_squeeze_breaks_at_batch_size_one(capsys):
    ok, out = _verdict(capsys, exercises.check_stream_layout, lambda s, b, t: stream_layout(s, b, t).squeeze())
    assert not ok and "should have shape" in out, out


def test_stream_layout_in_place_is_refused(capsys):
    def in_place(series, batch_size, time_step):
        result = stream_layout(series.clone(), batch_size, time_step)
        series.zero_()
        return result

    ok, out = _verdict(capsys, exercises.check_stream_layout, in_place)
    assert not ok and "changes series in place" in out, out


def test_stream_layout_right_variants(capsys):
    def by_unfold(series, batch_size, time_step):
        n_chunks = len(series) // (batch_size * time_step)
        pieces = series[: batch_size * n_chunks * time_step].unfold(0, time_step, time_step)
        return pieces.reshape(batch_size, n_chunks, time_step).permute(1, 0, 2)

    def by_loops(series, batch_size, time_step):
        n_chunks = series.shape[0] // batch_size // time_step
        length = n_chunks * time_step
        return torch.stack([
            torch.stack([series[i * length + k * time_step: i * length + (k + 1) * time_step]
                         for i in range(batch_size)])
            for k in range(n_chunks)])

    for answer in (by_unfold, by_loops):
        ok, out = _verdict(capsys, exercises.check_stream_layout, answer)
        assert ok and out.startswith("✓ stream_layout"), (answer.__name__, out)


def test_rerunning_from_the_start_for_every_chunk_is_refused(capsys):
    # right values, and one call per chunk, but each call rereads everything before it
    def from_the_start(lstm, chunks):
        outputs = []
        for k, x in enumerate(chunks):
            out, _ = lstm(torch.cat(chunks[: k + 1], dim=1))
            outputs.append(out[:, -x.shape[1]:])
        return torch.cat(outputs, dim=1)

    ok, out = _verdict(capsys, exercises.check_carry_state, from_the_start)
    assert not ok and "steps in all, but the chunks have 15" in out, out
