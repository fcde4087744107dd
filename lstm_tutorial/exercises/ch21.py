"""Checkers for the exercises of chapter 21 (a character-level language model)."""

from __future__ import annotations

import math
import numbers

import torch
from torch.nn import functional as F

from ..text import charlm
from ._harness import _describe_type, call_student, case, check_function, guarded, report

__all__ = ["check_bracket_depth", "check_read_in_pieces", "check_temperature_probabilities"]


# -- ex-temperature: the distribution sampled at temperature T ---------------------------------------------


def _temperature_probabilities(logits, temperature):
    return F.softmax(logits / temperature, dim=-1)


def _naive(logits, temperature):
    e = torch.exp(logits / temperature)
    return e / e.sum(dim=-1, keepdim=True)


def _temperature_cases():
    gen = torch.Generator().manual_seed(21)
    double = torch.float64
    # The first two cases tell dividing by T from multiplying by it (T = 0.5 and T = 2), the next two
    # the vocabulary axis from the others (a 2-D and a 3-D batch), then large logits, where exp
    # without the largest logit taken out overflows (or underflows to 0 / 0), one symbol in a
    # batch of one, the model's own sizes in float32, and last T = 1, where T cannot show.
    return [
        case(torch.randn(6, generator=gen, dtype=double) * 3, 0.5),
        case(torch.randn(6, generator=gen, dtype=double) * 3, 2.0),
        case(torch.randn(3, 7, generator=gen, dtype=double) * 2, 0.7),
        case(torch.randn(2, 3, 5, generator=gen, dtype=double), 1.5),
        case(torch.tensor([1000.0, 999.0, 0.0], dtype=double), 0.5),
        case(torch.tensor([-1000.0, -1001.0, -2000.0], dtype=double), 2.0),
        case(torch.tensor([[0.7]], dtype=double), 0.3),
        case(torch.randn(4, 99, generator=gen) * 5, 0.25),
        case(torch.randn(5, generator=gen, dtype=double), 1.0),
    ]


_TEMPERATURE_MISTAKES = [
    (lambda z, t: F.softmax(z * t, dim=-1),
     "the logits multiplied by T: divide them by it, so that T < 1 sharpens the distribution"),
    (lambda z, t: F.softmax(z, dim=-1) / t,
     "the probabilities divided by T after the softmax: divide the logits before it"),
    (lambda z, t: F.softmax(z, dim=-1), "T left out: the softmax of logits / T"),
    (lambda z, t: torch.exp(z / t),
     "exp(logits / T) not normalised: divide by its sum over the vocabulary (the last axis)"),
    (lambda z, t: F.log_softmax(z / t, dim=-1), "log-probabilities: the exercise asks for probabilities"),
    (lambda z, t: F.softmax(z / t, dim=0), "a softmax over the first axis: the vocabulary is the last one (dim=-1)"),
    (_naive, "exp(logits / T) computed directly, which overflows (or underflows to 0 / 0) for large logits: "
             "take the largest logit away first, or use torch.softmax, which does"),
]


@guarded
def check_temperature_probabilities(temperature_probabilities) -> bool:
    """Check ``temperature_probabilities(logits, temperature)``: softmax(logits / T) over the last
    axis, for logits of any shape (..., vocab)."""
    return check_function(
        temperature_probabilities,
        _temperature_probabilities,
        _temperature_cases(),
        name="temperature_probabilities",
        mistakes=_TEMPERATURE_MISTAKES,
    )


# -- ex-bracket-depth: brackets open after each character, outside strings and comments --------------------

_OPEN, _CLOSE = "([{", ")]}"


def _bracket_depth(text, *, strings=True, comments=True, after=True, kinds=3, escapes=True, same_quote=True,
                   hash_in_string=False, comment_ends=True):
    """The reference (every switch at its default), and the typical slips (a switch turned)."""
    depth, out = 0, []
    quote, comment, escaped = None, False, False
    for ch in text:
        before = depth
        if comment:
            comment = not (comment_ends and ch == "\n")
        elif quote is not None:
            if escaped:
                escaped = False
            elif escapes and ch == "\\":
                escaped = True
            elif ch == quote or (not same_quote and ch in "'\""):
                quote = None
            elif hash_in_string and ch == "#":
                quote, comment = None, True
        elif strings and ch in "'\"":
            quote = ch
        elif comments and ch == "#":
            comment = True
        elif ch in _OPEN[:kinds]:
            depth += 1
        elif ch in _CLOSE[:kinds]:
            depth -= 1
        out.append(depth if after else before)
    return out


_BRACKET_TEXTS = [
    "f(x)",
    'print("(")',
    "x = [1, (2, 3)]  # ) closes nothing\ny = (2)\n",
    "s = 'it\\'s (' + \"[\"\n",
    'd = {"a": [1, 2],\n     "b": (3)}\n',
    "'#' + g(1)  # (\n",
    "t = (\"'\", '\"(')\n",
    "x = \"'\" + f(1)\n",
    "k = {'}': 1}[']']  # {\n",
    "x",
    "",
    "a = b\n",
]

# The most specific slips first: the first one that matches the answer on the first text where it is
# wrong is the one named.
_BRACKET_MISTAKES = [
    (dict(hash_in_string=True), "a # inside a string taken as the start of a comment"),
    (dict(escapes=False), "a backslash-escaped quote (\\') taken as the end of the string"),
    (dict(same_quote=False), "a string closed by the other kind of quote: \"'\" is a string holding a '"),
    (dict(comment_ends=False), "a comment that does not end at the end of its line"),
    (dict(strings=False), "brackets counted inside strings: a bracket between quotes is text, not code"),
    (dict(comments=False), "brackets counted inside comments: from # to the end of the line is a comment"),
    (dict(strings=False, comments=False), "brackets counted inside strings and comments too"),
    (dict(after=False), "the depth before each character, where the exercise asks for the depth after it "
                        "(an opening bracket counts from itself on)"),
    (dict(kinds=1), "only round brackets counted: [ ] and { } open and close too"),
]


def _as_depths(got, n: int):
    """The student's result as a list of numbers, or a phrase saying why it is not one."""
    if isinstance(got, torch.Tensor):
        if got.dim() != 1:
            return None, (f"the result should be one number per character, a sequence of length {n}, got a "
                          f"tensor of shape {list(got.shape)}")
        got = got.tolist()
    elif hasattr(got, "tolist") and callable(got.tolist):  # a NumPy array
        got = got.tolist()
    if not isinstance(got, (list, tuple)):
        return None, f"the result should be a list of {n} numbers, one per character, got {_describe_type(got)}"
    if len(got) != n:
        return None, f"the result should have one number per character ({n}), got {len(got)}"
    values = [_number(v) for v in got]
    if None in values:
        bad = got[values.index(None)]
        return None, f"the result should hold numbers, got {_describe_type(bad)}"
    return values, None


def _number(value) -> float | None:
    """A depth as a float (an int, a NumPy integer, a one-element tensor), or None."""
    if isinstance(value, torch.Tensor):
        return float(value) if value.numel() == 1 and not value.dtype.is_complex else None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return None


def _where(text: str, k: int) -> str:
    left = max(0, k - 12)
    return f"character {k} ({text[k]!r}) of {text[left:k + 12]!r}" if len(text) > 24 else f"character {k} ({text[k]!r})"


def _same(a, b) -> bool:
    return len(a) == len(b) and all(math.isclose(x, y, abs_tol=1e-9) for x, y in zip(a, b, strict=True))


@guarded
def check_bracket_depth(bracket_depth) -> bool:
    """Check ``bracket_depth(text)``: for every character of ``text``, how many brackets are open
    after it, counting only brackets outside string literals and comments."""
    name = getattr(bracket_depth, "__name__", "bracket_depth")
    answers = []
    for number, text in enumerate(_BRACKET_TEXTS, start=1):
        on = f"on input {number} of {len(_BRACKET_TEXTS)}: text={text!r}"
        ok, got = call_student(bracket_depth, name, text, on=on)
        if not ok:
            return False
        depths, problem = _as_depths(got, len(text))
        if problem:
            return report(False, "", f"{name}: {problem} ({on}).")
        answers.append(depths)
    for number, (text, depths) in enumerate(zip(_BRACKET_TEXTS, answers, strict=True), start=1):
        expected = _bracket_depth(text)
        if _same(expected, depths):
            continue
        wrong = next(k for k, (e, g) in enumerate(zip(expected, depths, strict=True))
                     if not math.isclose(e, g, abs_tol=1e-9))
        # the slip that gives the answer on every text; failing that, one that gives it on this one
        slips = [(switches, what) for switches, what in _BRACKET_MISTAKES
                 if _same(_bracket_depth(text, **switches), depths)]
        everywhere = [what for switches, what in slips
                      if all(_same(_bracket_depth(t, **switches), a) for t, a in zip(_BRACKET_TEXTS, answers,
                                                                                    strict=True))]
        named = (everywhere or [what for _, what in slips] or [None])[0]
        hint = f" It matches what you get with {named}." if named else ""
        on = f"on input {number} of {len(_BRACKET_TEXTS)}: text={text!r}"
        return report(False, "", f"{name}: at {_where(text, wrong)} the depth should be {expected[wrong]}, "
                                 f"got {depths[wrong]:g} ({on}).{hint}")
    return report(True, f"{name} gives the expected depths on all {len(_BRACKET_TEXTS)} texts.", "")


# -- ex-pieces: a stream read in pieces side by side, each from an empty memory ----------------------------


def _read_in_pieces(model, stream, pieces):
    return charlm.read(model, stream, pieces=pieces)


def _tiny_model(seed: int, vocab: int = 9, hidden: int = 5) -> charlm.CharLM:
    """A small CharLM with weights large enough that its memory matters: reading a piece from an
    empty state then gives other probabilities than reading it after what came before. The
    global random state is left as it was."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = charlm.CharLM(vocab, 4, hidden)
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.mul_(3.0)
    return model


def _pieces_cases():
    gen = torch.Generator().manual_seed(21)
    # The first case tells 4 pieces of 6 from 6 pieces of 4 and from pieces of every 4th character;
    # then 3 pieces, one piece (the whole stream in one go), a piece per character, another model.
    streams = [(0, 24, 4), (0, 24, 3), (0, 15, 1), (1, 6, 6), (1, 40, 2)]
    return [case(_tiny_model(seed), torch.randint(9, (n,), generator=gen), pieces) for seed, n, pieces in streams]


def _scores(model, x, targets):
    """log P(target) after every character of the rows of x, each row read from an empty state."""
    logits, _ = model(x)
    return torch.log_softmax(logits, dim=-1).gather(2, targets.unsqueeze(2)).squeeze(2)


def _as_rows(stream, pieces):
    return stream.view(pieces, -1)


def _in_one_go(model, stream, pieces):
    return charlm.read(model, stream, pieces=1)


def _pieces_of_length(model, stream, pieces):
    return charlm.read(model, stream, pieces=len(stream) // pieces)


def _every_kth(model, stream, pieces):
    x = stream.view(-1, pieces).T  # row k: characters k, k + pieces, k + 2 pieces, ...
    nxt = torch.cat([stream[1:], stream[:1]]).view(-1, pieces).T
    with torch.no_grad():
        return _scores(model, x, nxt).T.flatten()[:-1].exp()


def _just_read(model, stream, pieces):
    x = _as_rows(stream, pieces)
    with torch.no_grad():
        return _scores(model, x, x).flatten()[1:].exp()


def _starts_left_out(model, stream, pieces):
    x = _as_rows(stream, pieces)
    with torch.no_grad():
        return _scores(model, x[:, :-1], x[:, 1:]).flatten().exp()


def _too_many(model, stream, pieces):
    x = _as_rows(stream, pieces)
    nxt = torch.cat([stream[1:], stream[:1]]).view_as(x)
    with torch.no_grad():
        return _scores(model, x, nxt).flatten().exp()


def _log_probabilities(model, stream, pieces):
    return charlm.read(model, stream, pieces=pieces).log()


def _over_time(model, stream, pieces):
    x = _as_rows(stream, pieces)
    nxt = torch.cat([stream[1:], stream[:1]]).view_as(x)
    with torch.no_grad():
        logits, _ = model(x)
        p = torch.softmax(logits, dim=1).gather(2, nxt.unsqueeze(2)).squeeze(2)
    return p.flatten()[:-1]


def _unnormalised(model, stream, pieces):
    x = _as_rows(stream, pieces)
    nxt = torch.cat([stream[1:], stream[:1]]).view_as(x)
    with torch.no_grad():
        logits, _ = model(x)
    return logits.exp().gather(2, nxt.unsqueeze(2)).squeeze(2).flatten()[:-1]


_PIECES_MISTAKES = [
    (_in_one_go, "the stream read in one go, the memory carried from piece to piece: every piece starts from an "
                 "empty state"),
    (_pieces_of_length, "pieces of `pieces` characters each: the stream is to be cut into `pieces` pieces, "
                        "stream.view(pieces, -1)"),
    (_every_kth, "pieces made of every pieces-th character: piece k is to be the k-th run of consecutive "
                 "characters, stream.view(pieces, -1)"),
    (_just_read, "the probability of the character just read: the logits after character t score character t + 1"),
    (_starts_left_out, "the first character of each piece after the first left out: the last step of a piece "
                       "scores the first character of the next"),
    (_too_many, "one probability too many: the last character of the stream has nothing after it"),
    (_log_probabilities, "log-probabilities: the exercise asks for probabilities"),
    (_over_time, "a softmax over the time axis: the vocabulary is the last one (dim=-1)"),
    (_unnormalised, "exp(logits) not normalised: take the softmax over the vocabulary first"),
]


@guarded
def check_read_in_pieces(read_in_pieces) -> bool:
    """Check ``read_in_pieces(model, stream, pieces)``: the probability the model gives to each
    character of ``stream`` after the ones before it (characters 1, 2, ..., len(stream) - 1),
    the stream cut into ``pieces`` consecutive pieces of equal length, each read from an empty
    state (what ``charlm.read`` does when ``pieces`` divides the stream's length)."""
    return check_function(
        read_in_pieces,
        _read_in_pieces,
        _pieces_cases(),
        name="read_in_pieces",
        mistakes=_PIECES_MISTAKES,
    )
