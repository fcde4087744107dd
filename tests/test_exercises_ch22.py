"""The checker of chapter 22 accepts the reference answer and names the typical mistakes."""

import torch

from lstm_tutorial import exercises


def _verdict(capsys, answer):
    ok = exercises.check_additive_attention(answer)
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1, out
    return ok, out


def additive_attention(query, keys, W_q, W_k, v, *, squash=torch.tanh, axis=1):
    e = squash(query @ W_q.T + (keys @ W_k.T).transpose(0, 1)).transpose(0, 1) @ v
    weights = torch.softmax(e, dim=axis)
    context = torch.einsum("bt,btk->bk", weights, keys)
    return context, weights


def test_reference_passes(capsys):
    ok, out = _verdict(capsys, additive_attention)
    assert ok and out.startswith("✓ additive_attention"), out


def test_a_loop_over_the_batch_passes(capsys):
    def looped(query, keys, W_q, W_k, v):
        contexts, weights = [], []
        for q, k in zip(query, keys, strict=True):
            a = torch.softmax(torch.tanh(W_q @ q + k @ W_k.T) @ v, dim=0)
            contexts.append(a @ k)
            weights.append(a)
        return torch.stack(contexts), torch.stack(weights)

    ok, out = _verdict(capsys, looped)
    assert ok, out


def test_starter_is_not_implemented(capsys):
    def starter(query, keys, W_q, W_k, v):
        raise NotImplementedError

    ok, out = _verdict(capsys, starter)
    assert not ok and "not implemented yet" in out


def test_softmax_over_the_batch_axis(capsys):
    ok, out = _verdict(capsys, lambda *a: additive_attention(*a, axis=0))
    assert not ok and "the softmax taken over the batch axis" in out, out


def test_missing_tanh(capsys):
    ok, out = _verdict(capsys, lambda *a: additive_attention(*a, squash=lambda z: z))
    assert not ok and "the tanh left out of the score" in out, out


def test_sigmoid_for_tanh(capsys):
    ok, out = _verdict(capsys, lambda *a: additive_attention(*a, squash=torch.sigmoid))
    assert not ok and "a sigmoid where the score's tanh belongs" in out, out


def test_no_softmax(capsys):
    def raw(query, keys, W_q, W_k, v):
        e = torch.tanh((query @ W_q.T)[:, None] + keys @ W_k.T) @ v
        return (e[:, :, None] * keys).sum(dim=1), e

    ok, out = _verdict(capsys, raw)
    assert not ok and "without the softmax" in out, out


def test_outputs_swapped(capsys):
    ok, out = _verdict(capsys, lambda *a: additive_attention(*a)[::-1])
    assert not ok and "(weights, context) returned in place of (context, weights)" in out, out


def test_equal_weights(capsys):
    def uniform(query, keys, W_q, W_k, v):
        return keys.mean(dim=1), torch.full(keys.shape[:2], 1 / keys.shape[1], dtype=keys.dtype)

    ok, out = _verdict(capsys, uniform)
    assert not ok and "equal weights 1/T" in out, out


def test_transposed_weight_is_a_shape_error(capsys):
    def transposed(query, keys, W_q, W_k, v):
        e = torch.tanh((query @ W_q)[:, None] + keys @ W_k.T) @ v
        a = torch.softmax(e, dim=1)
        return (a[:, :, None] * keys).sum(dim=1), a

    ok, out = _verdict(capsys, transposed)
    assert not ok and "raised RuntimeError" in out and "the right way round" in out, out


def test_context_over_the_wrong_axis(capsys):
    def wrong_sum(query, keys, W_q, W_k, v):
        context, a = additive_attention(query, keys, W_q, W_k, v)
        return (a[:, :, None] * keys).sum(dim=2), a

    ok, out = _verdict(capsys, wrong_sum)
    assert not ok and "context should have shape" in out, out


def test_is_listed_for_chapter_22():
    assert exercises.catalogue()[22] == ["check_additive_attention"]


# --- more wrong answers, and right answers written differently --------------------------------


def test_squeeze_breaks_at_batch_one(capsys):
    def squeezed(query, keys, W_q, W_k, v):
        context, weights = additive_attention(query, keys, W_q, W_k, v)
        return context.squeeze(), weights.squeeze()

    ok, out = _verdict(capsys, squeezed)
    assert not ok and "should have shape [1, 3]" in out, out


def test_context_from_the_projected_keys(capsys):
    def projected(query, keys, W_q, W_k, v):
        _, weights = additive_attention(query, keys, W_q, W_k, v)
        return (weights.unsqueeze(2) * (keys @ W_k.T)).sum(dim=1), weights

    ok, out = _verdict(capsys, projected)
    assert not ok and "projected keys W_k h_j" in out, out


def test_tanh_after_v(capsys):
    def outside(query, keys, W_q, W_k, v):
        e = torch.tanh(((query @ W_q.T).unsqueeze(1) + keys @ W_k.T) @ v)
        weights = torch.softmax(e, dim=1)
        return (weights.unsqueeze(2) * keys).sum(dim=1), weights

    ok, out = _verdict(capsys, outside)
    assert not ok and "the tanh applied after v" in out, out


def test_query_left_out(capsys):
    def keys_only(query, keys, W_q, W_k, v):
        weights = torch.softmax(torch.tanh(keys @ W_k.T) @ v, dim=1)
        return (weights.unsqueeze(2) * keys).sum(dim=1), weights

    ok, out = _verdict(capsys, keys_only)
    assert not ok and "the query left out of the score" in out, out


def test_log_softmax(capsys):
    def logs(query, keys, W_q, W_k, v):
        e = torch.tanh((query @ W_q.T).unsqueeze(1) + keys @ W_k.T) @ v
        weights = torch.log_softmax(e, dim=1)
        return (weights.unsqueeze(2) * keys).sum(dim=1), weights

    ok, out = _verdict(capsys, logs)
    assert not ok and "log_softmax" in out, out


def test_changing_a_weight_in_place_is_refused(capsys):
    def transposes_in_place(query, keys, W_q, W_k, v):
        W_q.t_()  # now (Q, A)
        e = torch.tanh((query @ W_q).unsqueeze(1) + keys @ W_k.T) @ v
        weights = torch.softmax(e, dim=1)
        return (weights.unsqueeze(2) * keys).sum(dim=1), weights

    ok, out = _verdict(capsys, transposes_in_place)
    assert not ok and "changes W_q in place" in out, out


def test_nonsense_returns_get_one_sentence(capsys):
    for answer, phrase in [(lambda *a: None, "got None"),
                           (lambda *a: additive_attention(*a)[0], "should be a tuple of 2 items"),
                           (lambda *a: list(additive_attention(*a)) + [0], "should have 2 items"),
                           (lambda *a: 1 / 0, "raised ZeroDivisionError")]:
        ok, out = _verdict(capsys, answer)
        assert not ok and out.startswith("✗ ") and phrase in out, (phrase, out)


def test_right_answers_written_differently_pass(capsys):
    from torch.nn.functional import linear, softmax

    def by_hand_softmax(query, keys, W_q, W_k, v):
        e = torch.tanh(linear(query, W_q)[:, None, :] + linear(keys, W_k)) @ v
        e = e - e.max(dim=1, keepdim=True).values
        weights = e.exp() / e.exp().sum(dim=1, keepdim=True)
        return torch.bmm(weights.unsqueeze(1), keys).squeeze(1), weights

    def in_float32(query, keys, W_q, W_k, v):
        context, weights = additive_attention(*(t.float() for t in (query, keys, W_q, W_k, v)))
        return context, weights

    def last_axis(query, keys, W_q, W_k, v):
        e = torch.einsum("a,bta->bt", v, torch.tanh(torch.einsum("aq,bq->ba", W_q, query)[:, None]
                                                       + torch.einsum("ak,btk->bta", W_k, keys)))
        weights = softmax(e, dim=-1)
        return [weights[:, None] @ keys][0][:, 0], weights  # a list would do as well as a tuple

    def as_list(query, keys, W_q, W_k, v):
        return list(additive_attention(query, keys, W_q, W_k, v))

    for answer in (by_hand_softmax, in_float32, last_axis, as_list):
        ok, out = _verdict(capsys, answer)
        assert ok and out.startswith("✓ additive_attention"), (answer.__name__, out)


def test_the_cases_cover_the_edge_sizes():
    from lstm_tutorial.exercises import ch22

    sizes = ch22._SIZES
    for axis in range(5):
        assert any(s[axis] == 1 for s in sizes), axis
    assert sizes[-1][1] == 1  # the single position comes last, after the cases that separate mistakes
