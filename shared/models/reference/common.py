"""Helpers shared by the reference scripts: the CDNOW fixture reader (the same file the TypeScript tests load)
and float formatting for pasting into tests."""
import math
import pathlib
import re

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"


def num(x: float) -> str:
    """Shortest round-trip repr, as a TypeScript literal."""
    x = float(x)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(x)


def cdnow() -> list[tuple[int, float, float, float]]:
    """(x, t_x, T, zbar) per customer, parsed from fixtures/cdnow.ts exactly as the TypeScript side parses it."""
    text = (FIXTURES / "cdnow.ts").read_text()
    body = re.search(r"CDNOW_SUMMARY = `([^`]*)`", text)
    assert body is not None
    rows = []
    for record in re.split(r"\s*\|\s*|\n", body.group(1)):
        record = record.strip()
        if not record:
            continue
        x, t_x, T, zbar = record.split(" ")
        rows.append((int(x), float(t_x), float(T), float(zbar)))
    return rows


class SeededUniform:
    """Bit-for-bit shared/bandit/random.ts seededUniform (sfc32, splitmix-style seeding, 12 warm-up draws), so the
    synthetic customers simulated here are the ones the tests simulate."""

    M = 0xFFFFFFFF

    def __init__(self, seed: int) -> None:
        s = seed & self.M

        def mix() -> int:
            nonlocal s
            s = (s + 0x9E3779B9) & self.M
            z = s
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & self.M
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & self.M
            return (z ^ (z >> 16)) & self.M

        self.a, self.b, self.c, self.d = mix(), mix(), mix(), 1
        for _ in range(12):
            self.next()

    def next(self) -> float:
        m = self.M
        a, b, c, d = self.a, self.b, self.c, self.d
        t = (a + b + d) & m
        self.d = (d + 1) & m
        self.a = b ^ (b >> 9)
        self.b = (c + (c << 3)) & m
        self.c = ((((c << 21) | (c >> 11)) & m) + t) & m
        return t * (1.0 / 4294967296.0)


# random.ts's ziggurat (Marsaglia & Tsang 2000, 128 layers), with its tables built by the same arithmetic.
_ZIG_R = 3.442619855899
_ZIG_V = 9.91256303526217e-3
_TWO_POW_31 = 2147483648.0


def _ziggurat_tables() -> tuple[list[float], list[float], list[float]]:
    kn, wn, fn = [0.0] * 128, [0.0] * 128, [0.0] * 128
    dn = _ZIG_R
    tn = dn
    q = _ZIG_V / math.exp(-0.5 * dn * dn)
    kn[0] = float(math.floor((dn / q) * _TWO_POW_31))
    kn[1] = 0.0
    wn[0] = q / _TWO_POW_31
    wn[127] = dn / _TWO_POW_31
    fn[0] = 1.0
    fn[127] = math.exp(-0.5 * dn * dn)
    for i in range(126, 0, -1):
        dn = math.sqrt(-2 * math.log(_ZIG_V / dn + math.exp(-0.5 * dn * dn)))
        kn[i + 1] = float(math.floor((dn / tn) * _TWO_POW_31))
        tn = dn
        fn[i] = math.exp(-0.5 * dn * dn)
        wn[i] = dn / _TWO_POW_31
    return kn, wn, fn


_KN, _WN, _FN = _ziggurat_tables()


def _int32(x: float) -> int:
    """JavaScript's `x | 0` for 0 <= x < 2^32: the low 32 bits as a signed integer."""
    n = int(x) & 0xFFFFFFFF
    return n - 0x100000000 if n >= 0x80000000 else n


def sample_standard_normal(u: SeededUniform) -> float:
    while True:
        hz = _int32(u.next() * 4294967296.0)
        layer = int(u.next() * 128)
        x = hz * _WN[layer]
        if abs(hz) < _KN[layer]:
            return x
        if layer == 0:
            while True:
                t = -math.log(1 - u.next()) / _ZIG_R
                y = -math.log(1 - u.next())
                if not (y + y < t * t):
                    break
            return _ZIG_R + t if hz > 0 else -_ZIG_R - t
        if _FN[layer] + u.next() * (_FN[layer - 1] - _FN[layer]) < math.exp(-0.5 * x * x):
            return x


def _gamma_at_least_one(u: SeededUniform, shape: float) -> float:
    d = shape - 1 / 3
    c = 1 / math.sqrt(9 * d)
    while True:
        while True:
            x = sample_standard_normal(u)
            v = 1 + c * x
            if v > 0:
                break
        v = v * v * v
        x2 = x * x
        w = 1 - u.next()
        if w < 1 - 0.0331 * x2 * x2:
            return d * v
        if math.log(w) < 0.5 * x2 + d * (1 - v + math.log(v)):
            return d * v


def sample_gamma(u: SeededUniform, shape: float) -> float:
    """Gamma(shape, 1), as random.ts sampleGamma."""
    if shape >= 1:
        return _gamma_at_least_one(u, shape)
    return _gamma_at_least_one(u, shape + 1) * math.pow(1 - u.next(), 1 / shape)


def _log_gamma_below_one(u: SeededUniform, shape: float) -> float:
    return math.log(_gamma_at_least_one(u, shape + 1)) + math.log(1 - u.next()) / shape


def sample_beta(u: SeededUniform, alpha: float, beta: float) -> float:
    """Beta(alpha, beta), as random.ts sampleBeta."""
    if alpha >= 1 and beta >= 1:
        x = _gamma_at_least_one(u, alpha)
        p = x / (x + _gamma_at_least_one(u, beta))
    else:
        log_x = math.log(_gamma_at_least_one(u, alpha)) if alpha >= 1 else _log_gamma_below_one(u, alpha)
        log_y = math.log(_gamma_at_least_one(u, beta)) if beta >= 1 else _log_gamma_below_one(u, beta)
        p = 1 / (1 + math.exp(log_y - log_x))
    if p >= 1:
        return 1 - 2**-53
    if p <= 0:
        return 5e-324
    return p
