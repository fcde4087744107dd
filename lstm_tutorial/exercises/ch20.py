"""Checkers for the exercises of chapter 20."""

__all__: list[str] = []
