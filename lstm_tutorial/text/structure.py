"""What is going on at each character of Python source: the quantities a reader keeps track
of without thinking (how many brackets are open, whether this is inside a string or a
comment, how deep the indentation is, how far along the line), read off by Python's own
tokenizer, so that brackets and quotes inside strings and comments are not counted.

A language model that predicts the next character well must track some of them; these are
what chapter 21 looks for in its cell states (Karpathy, Johnson & Fei-Fei 2015).
"""

from __future__ import annotations

import io
import tokenize
from functools import lru_cache

import torch

OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {v: k for k, v in OPENERS.items()}


def _offsets(text: str) -> list[int]:
    """The index in ``text`` where each line (1-based, as tokenize counts) starts."""
    starts = [0, 0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


# Python 3.12 and later tokenize an f-string into pieces (its brackets and names among them);
# earlier versions give one STRING token. Both are read here as one string, so that every
# Python finds the same brackets and strings in the same text.
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


@lru_cache(maxsize=4)  # the same text is often asked about twice (brackets, then quotes)
def _tokens(text: str) -> tuple[tokenize.TokenInfo, ...]:
    try:
        found = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as error:
        raise ValueError(f"the text is not Python that tokenize can read: {error}") from None
    if _FSTRING_START is None:
        return tuple(found)
    return tuple(_merge_fstrings(found, _FSTRING_START, _FSTRING_END))


def _merge_fstrings(tokens, start: int, end: int) -> list[tokenize.TokenInfo]:
    """The tokens with every f-string, from its ``start`` token to its matching ``end`` (f-strings
    nest), made into one STRING token."""
    merged, depth, first = [], 0, None
    for tok in tokens:
        if tok.type == start:
            depth += 1
            first = tok if depth == 1 else first
        elif tok.type == end and depth:
            depth -= 1
            if depth == 0:
                merged.append(tokenize.TokenInfo(tokenize.STRING, "", first.start, tok.end, first.line))
        elif depth == 0:
            merged.append(tok)
    return merged


def bracket_pairs(text: str) -> list[tuple[int, int, str]]:
    """Every matched pair of brackets outside strings and comments, as ``(open, close, closer)``:
    the index of the opening and of the closing character, and the closing character."""
    starts = _offsets(text)
    stack, pairs = [], []
    for tok in _tokens(text):
        if tok.type != tokenize.OP:
            continue
        at = starts[tok.start[0]] + tok.start[1]
        if tok.string in OPENERS:
            stack.append((at, tok.string))
        elif tok.string in CLOSERS and stack and stack[-1][1] == CLOSERS[tok.string]:
            opened, _ = stack.pop()
            pairs.append((opened, at, tok.string))
    return sorted(pairs, key=lambda p: p[1])


def quote_pairs(text: str) -> list[tuple[int, int, str]]:
    """Every string literal as ``(open, close, quote)``: the index of its opening quote (after
    a prefix such as ``r`` or ``f``), of the first character of its closing quote, and the
    quote itself: one quote character, or three for a triple-quoted string."""
    starts = _offsets(text)
    pairs = []
    for tok in _tokens(text):
        if tok.type != tokenize.STRING:
            continue
        a = starts[tok.start[0]] + tok.start[1]
        b = starts[tok.end[0]] + tok.end[1]
        literal = text[a:b]
        opened = a + len(literal) - len(literal.lstrip("rRbBuUfF"))
        quote = text[opened:opened + 3] if text[opened:opened + 3] in ('"""', "'''") else text[opened]
        pairs.append((opened, b - len(quote), quote))
    return pairs


def features(text: str) -> dict[str, torch.Tensor]:
    """Per character of ``text``, as float tensors of length len(text):

    * ``"bracket depth"``: brackets open (outside strings and comments) after this character;
    * ``"inside a string"``: 1 from a string's opening quote to its closing one;
    * ``"inside a comment"``: 1 from ``#`` to the end of the line;
    * ``"indentation"``: the number of leading spaces of this character's line;
    * ``"position in line"``: how many characters of the line come before this one.
    """
    n = len(text)
    starts = _offsets(text)
    depth_change = torch.zeros(n + 1)
    string = torch.zeros(n + 1)
    comment = torch.zeros(n + 1)
    for tok in _tokens(text):
        a = starts[tok.start[0]] + tok.start[1]
        b = starts[tok.end[0]] + tok.end[1]
        if tok.type == tokenize.OP and tok.string in OPENERS:
            depth_change[a] += 1
        elif tok.type == tokenize.OP and tok.string in CLOSERS:
            depth_change[a] -= 1
        elif tok.type == tokenize.STRING:
            string[a] += 1
            string[b] -= 1
        elif tok.type == tokenize.COMMENT:
            comment[a] += 1
            comment[b] -= 1
    column, indent = torch.zeros(n), torch.zeros(n)
    for start, stop in zip(starts[1:-1], starts[2:], strict=True):
        line = text[start:stop]
        column[start:stop] = torch.arange(len(line), dtype=torch.float32)
        indent[start:stop] = len(line) - len(line.lstrip(" "))
    return {
        "bracket depth": depth_change.cumsum(0)[:n].clamp(min=0),
        "inside a string": string.cumsum(0)[:n].clamp(0, 1),
        "inside a comment": comment.cumsum(0)[:n].clamp(0, 1),
        "indentation": indent,
        "position in line": column,
    }


def correlations(values: torch.Tensor, quantities: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Pearson's r between every column of ``values`` (N, units) and each quantity (N,): a
    dict of (units,) tensors. A constant column or quantity gives r = 0."""
    v = values.double()
    v = v - v.mean(0)
    v_norm = v.norm(dim=0)
    out = {}
    for name, q in quantities.items():
        if q.shape != (values.shape[0],):
            raise ValueError(f"quantity {name!r} should have shape ({values.shape[0]},), got {tuple(q.shape)}")
        q = q.double() - q.double().mean()
        denominator = v_norm * q.norm()
        out[name] = torch.where(denominator > 0, (q @ v) / denominator.clamp(min=1e-300), torch.zeros(()))
    return out


def best_units(values: torch.Tensor, quantities: dict[str, torch.Tensor]) -> dict[str, tuple[int, float]]:
    """For each quantity, the unit whose values correlate with it most strongly, and that r."""
    found = {}
    for name, r in correlations(values, quantities).items():
        k = int(r.abs().argmax())
        found[name] = (k, float(r[k]))
    return found
