"""Make the book's trained character-level model, lstm_tutorial/datasets/charlm_stdlib.pt.

Trains ``lstm_tutorial.text.charlm.RECIPE`` on the training files of the standard-library
corpus, from its seed, on one CPU thread; every ``validate_every`` steps it measures bits
per character on the validation files and keeps the best model so far. The checkpoint
records the recipe, the step it was taken at, its validation score, the torch version, and
two fingerprints (SHA-256 of the parameters): after the recipe's first ``prefix_steps`` steps
(chapter 21 trains exactly those and checks it gets the same bits) and of the model saved.

    python tools/train_charlm.py            # write the checkpoint (about 10-20 minutes)
    python tools/train_charlm.py --check    # train again and compare with the one on disk, bit for bit
"""

from __future__ import annotations

import argparse
import copy
import sys

import torch

from lstm_tutorial.text import charlm, corpus


def make() -> tuple[charlm.CharLM, dict]:
    recipe = charlm.RECIPE
    torch.set_num_threads(1)
    train = corpus.encode(corpus.source_text("train"))
    validation = corpus.encode(corpus.source_text("validation"))
    best = {"bits": float("inf")}
    prefix = {}

    def keep(step, model):
        if step == recipe["prefix_steps"]:
            prefix["fingerprint"] = charlm.fingerprint(model)
        if step % recipe["validate_every"]:
            return
        bits = charlm.bits_per_char(model, validation)
        print(f"  step {step}: validation {bits:.4f} bits/char", flush=True)
        if bits < best["bits"]:
            best.update(bits=bits, step=step, model=copy.deepcopy(model))

    every = min(recipe["prefix_steps"], recipe["validate_every"])
    model, _ = charlm.train_recipe(train, recipe["steps"], every=every, callback=keep, log_every=1000)
    metadata = {"recipe": dict(recipe), "best_step": best["step"], "validation_bits": best["bits"],
                "torch": str(torch.__version__), "corpus": corpus.ARCHIVE,
                "prefix_fingerprint": prefix["fingerprint"], "fingerprint": charlm.fingerprint(best["model"])}
    return best["model"], metadata


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="retrain and compare with the checkpoint on disk")
    parser.add_argument("--force", action="store_true", help="write the checkpoint even on another kind of CPU")
    args = parser.parse_args(argv)
    if args.check:
        _, saved = charlm.load(charlm.CHECKPOINT)
        torch.set_num_threads(1)
        if not charlm.reproducible_here(saved):
            print(f"this machine cannot reproduce the checkpoint bit for bit: it was made with torch {saved['torch']} "
                  f"on a CPU whose torch kernels use {charlm.CHECKPOINT_CPU}, one thread; here torch "
                  f"{torch.__version__}, {torch.backends.cpu.get_cpu_capability()}")
            return 2
    model, metadata = make()
    if args.check:
        same = saved["fingerprint"] == metadata["fingerprint"]
        print("the checkpoint is reproduced bit for bit" if same else
              f"the checkpoint differs: saved {saved['fingerprint']}, made {metadata['fingerprint']}")
        return 0 if same else 1
    if torch.backends.cpu.get_cpu_capability() != charlm.CHECKPOINT_CPU and not args.force:
        print(f"not written: this CPU's torch kernels use {torch.backends.cpu.get_cpu_capability()}, and the "
              f"chapter checks the checkpoint against runs on {charlm.CHECKPOINT_CPU}; --force writes it anyway")
        return 2
    charlm.save(model, charlm.CHECKPOINT, **metadata)
    print(f"wrote {charlm.CHECKPOINT}: step {metadata['best_step']}, "
          f"validation {metadata['validation_bits']:.4f} bits/char")
    return 0


if __name__ == "__main__":
    sys.exit(main())
