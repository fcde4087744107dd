"""A character-level language model: ``nn.Embedding`` -> ``nn.LSTM`` -> linear, trained on a
stream of text with truncated backpropagation through time.

The training text is laid out as ``batch_size`` parallel streams cut into chunks of
``time_step`` characters (``stateful_batches``, chapter 19): each step trains on the next
chunk of every stream, starting from the state the previous chunk left, detached. The
model learns to give each next character a probability; its loss, in bits, is the number of
bits per character an ideal coder using it would need.
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_size
from ..data.stateful import detach_state, stateful_batches
from .corpus import PAD, VOCAB_SIZE, decode, encode

LN2 = math.log(2.0)

#: How the book's trained model is made (``make checkpoint``): from this seed, these sizes and
#: these settings, the same bits come out on every run (one CPU thread, torch as pinned).
RECIPE = {"seed": 0, "embedding_size": 32, "hidden_size": 128, "batch_size": 32, "time_step": 64,
          "lr": 3e-3, "clip": 1.0, "steps": 40_000, "validate_every": 2_000, "prefix_steps": 400}
CHECKPOINT = Path(__file__).resolve().parent.parent / "datasets" / "charlm_stdlib.pt"
#: the instruction set torch's CPU kernels used where the checkpoint was made
#: (``torch.backends.cpu.get_cpu_capability()``): MKL, oneDNN and ATen each choose their kernels
#: by it, and kernels for another one round some sums differently.
CHECKPOINT_CPU = "AVX512"
#: and the CPU's maker: MKL and oneDNN choose kernels by vendor too. An AMD EPYC whose torch
#: kernels are AVX-512 ones did not reproduce the first steps' bits (2026-12-03), so the
#: checkpoint's bits are checked only on an Intel CPU, where they were made.
CHECKPOINT_VENDOR = "GenuineIntel"
#: settings that make MKL, oneDNN or ATen use other kernels than the machine's own
_ISA_SETTINGS = ("ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR")


def cpu_vendor() -> str:
    """The CPU's vendor string (``GenuineIntel``, ``AuthenticAMD``) where Linux reports it, else ''."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("vendor_id"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def reproducible_here(metadata: dict) -> bool:
    """Whether this machine runs the recipe as the one that made the checkpoint did: the same
    torch version, the same CPU instruction set and vendor, one thread, no setting that picks
    other kernels. Only there does the recipe give the checkpoint's bits; on another CPU or torch
    the sums of the first steps round differently, training amplifies the difference, and
    the same recipe makes a different model."""
    return (str(torch.__version__) == metadata.get("torch")
            and torch.backends.cpu.get_cpu_capability() == CHECKPOINT_CPU
            and cpu_vendor() == CHECKPOINT_VENDOR
            and torch.get_num_threads() == 1
            and not any(name in os.environ for name in _ISA_SETTINGS))


class CharLM(nn.Module):
    """``forward(x, state=None) -> (logits, state)``: x (batch, time) of symbol indices; logits
    (batch, time, vocab_size) score the character that comes after each one."""

    def __init__(self, vocab_size: int = VOCAB_SIZE, embedding_size: int = 32, hidden_size: int = 128):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.lstm = nn.LSTM(embedding_size, hidden_size, batch_first=True)
        self.readout = nn.Linear(hidden_size, vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        h, state = self.lstm(self.embedding(x), state)
        return self.readout(h), state

    def config(self) -> dict:
        return {"vocab_size": self.embedding.num_embeddings, "embedding_size": self.embedding.embedding_dim,
                "hidden_size": self.lstm.hidden_size}


def fingerprint(model: nn.Module) -> str:
    """A SHA-256 of every parameter's bytes, in order: two models share it only if they are
    equal bit for bit."""
    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().contiguous().cpu().numpy().tobytes())
    return digest.hexdigest()


def train_stream(model: CharLM, stream: torch.Tensor, steps: int, *, batch_size: int = 32, time_step: int = 64,
                 lr: float = 3e-3, clip: float = 1.0, log_every: int | None = None, name: str = "",
                 every: int | None = None, callback=None) -> list[float]:
    """Adam on consecutive chunks of ``stream`` (1-D symbol indices), carrying each stream's
    state from chunk to chunk, detached; back to the start (and a zero state) after the last
    chunk. Returns the loss of every step in bits per character; prints five progress lines.
    ``callback(step, model)``, if given, is called after every ``every`` steps (to validate)."""
    check_size(steps, "steps")
    x_chunks = stateful_batches(stream[:-1], batch_size, time_step)
    y_chunks = stateful_batches(stream[1:], batch_size, time_step)
    log_every = log_every or max(1, steps // 5)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses, state = [], None
    label = f"{name}: " if name else ""
    for step in range(steps):
        k = step % len(x_chunks)
        if k == 0:
            state = None  # every stream starts again from its beginning
        logits, state = model(x_chunks[k], state)
        loss = F.cross_entropy(logits.flatten(0, 1), y_chunks[k].flatten())
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        state = detach_state(state)
        losses.append(loss.item() / LN2)
        if callback is not None and (step + 1) % every == 0:
            callback(step + 1, model)
        if (step + 1) % log_every == 0 or step + 1 == steps:
            recent = sum(losses[-log_every:]) / len(losses[-log_every:])
            print(f"{label}step {step + 1:>5}/{steps}  {recent:.3f} bits/char", flush=True)
    return losses


@torch.no_grad()
def read(model: CharLM, stream: torch.Tensor, *, pieces: int = 64, chunk: int = 512) -> torch.Tensor:
    """The probability the model gave to each character of ``stream`` after the ones before it:
    a 1-D tensor of length len(stream) - 1, for positions 1, 2, ...

    For speed the stream is read as ``pieces`` consecutive pieces side by side, each starting
    with an empty memory (the last few characters, too few for a piece, are read on their own).
    """
    check_size(pieces, "pieces")
    n = len(stream)
    if n < 2:
        raise ValueError(f"read expected a stream of at least 2 characters, got {n}")
    length = n // min(pieces, n)
    whole = n - n % length
    parts = [stream[:whole].view(-1, length)] + ([stream[whole:].unsqueeze(0)] if whole < n else [])
    nxt = torch.cat([stream[1:], stream.new_full((1,), PAD)])  # what came after each character
    probs, start = [], 0
    for x in parts:
        targets = nxt[start:start + x.numel()].view_as(x)
        state, out = None, []
        for k in range(0, x.shape[1], chunk):
            logits, state = model(x[:, k:k + chunk], state)
            # of the distribution of what comes next, keep only what did come
            log_p = F.log_softmax(logits, dim=-1)
            out.append(torch.gather(log_p, 2, targets[:, k:k + chunk].unsqueeze(2)).squeeze(2))
        probs.append(torch.cat(out, dim=1).flatten())
        start += x.numel()
    return torch.cat(probs)[:-1].exp()


def bits_per_char(model: CharLM, stream: torch.Tensor, **kwargs) -> float:
    """Mean -log2 P(next character) over the stream (as ``read`` reads it)."""
    return float(-torch.log2(read(model, stream, **kwargs)).mean())


def sample(model: CharLM, prompt: str, length: int, *, temperature: float = 1.0,
           generator: torch.Generator | None = None) -> str:
    """``length`` characters the model writes after ``prompt``, drawn from its distribution
    sharpened (temperature < 1) or flattened (> 1): p_i proportional to exp(logit_i / T)."""
    check_size(length, "length")
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    if not prompt:
        raise ValueError("sample expected a prompt of at least one character, got ''")
    out = []
    with torch.no_grad():
        logits, state = model(encode(prompt).unsqueeze(0))
        for _ in range(length):
            weights = F.softmax(logits[0, -1] / temperature, dim=-1)
            weights[PAD] = 0.0  # padding is not a character
            k = torch.multinomial(weights, 1, generator=generator)
            out.append(int(k))
            logits, state = model(k.view(1, 1), state)
    return decode(out)


def recipe_model() -> CharLM:
    """The recipe's model, freshly initialised from its seed."""
    torch.manual_seed(RECIPE["seed"])
    return CharLM(VOCAB_SIZE, RECIPE["embedding_size"], RECIPE["hidden_size"])


def train_recipe(stream: torch.Tensor, steps: int, **kwargs) -> tuple[CharLM, list[float]]:
    """The recipe's model trained on ``stream`` for ``steps`` steps: the first ``steps`` steps
    of the run that made the checkpoint, bit for bit."""
    model = recipe_model()
    settings = {k: RECIPE[k] for k in ("batch_size", "time_step", "lr", "clip")}
    return model, train_stream(model, stream, steps, **settings, **kwargs)


def save(model: CharLM, path: str | Path, **metadata) -> None:
    torch.save({"config": model.config(), "state_dict": model.state_dict(), "metadata": metadata}, path)


def load(path: str | Path) -> tuple[CharLM, dict]:
    """The model saved at ``path`` and its metadata (how it was trained)."""
    saved = torch.load(path, weights_only=True)
    model = CharLM(**saved["config"])
    model.load_state_dict(saved["state_dict"])
    return model, saved["metadata"]
