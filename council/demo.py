"""Deterministic demo data (written in a later step)."""


def load_demo() -> list[tuple[str, str, str]]:
    return []
