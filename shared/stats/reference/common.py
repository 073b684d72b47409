"""Helpers shared by the reference scripts: a mulberry32 identical to shared/catalog/prng.ts createRng (so a
test can regenerate the same data in TypeScript instead of embedding it) and float formatting for pasting."""


class Mulberry32:
    """Bit-for-bit the generator of createRng(seed).next(): 32-bit state, uniform in [0, 1)."""

    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFF

    def next(self) -> float:
        m = 0xFFFFFFFF
        self.state = (self.state + 0x6D2B79F5) & m
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & m
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & m)) & m
        return ((t ^ (t >> 14)) & m) / 4294967296.0


def num(x: float) -> str:
    """Shortest round-trip repr, as a TypeScript literal (NaN, Infinity spelled the JavaScript way)."""
    x = float(x)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(x)


def pair(a: float, b: float) -> str:
    return f"[{num(a)}, {num(b)}]"
