"""Checkers for the exercises of chapter 21."""

__all__: list[str] = []
