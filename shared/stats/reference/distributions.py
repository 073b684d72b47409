"""Reference values for shared/stats/distributions.ts (scipy 1.17; mpmath where scipy itself loses digits).

Run: python3 shared/stats/reference/distributions.py
"""
import mpmath as mp
from scipy import special, stats

from common import num

mp.mp.dps = 50


def normal_cdf() -> None:
    # scipy.special.ndtr; far into the lower tail scipy's erfc path keeps ~1e-13, the test tolerance is 1e-9.
    for z in [-37, -20, -10, -8, -6, -5.657, -5, -3, -1.959963984540054, -1, -0.6745, -0.3, 0, 0.3, 0.6745, 1, 3, 5, 8, 8.3, 9]:
        print(f"  [{num(z)}, {num(special.ndtr(z))}],")


def normal_quantile() -> None:
    # scipy.special.ndtri
    for p in [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.025, 0.075, 0.2, 0.5, 0.8, 0.925, 0.975, 0.999, 1 - 1e-10]:
        print(f"  [{num(p)}, {num(special.ndtri(p))}],")


def student_t_cdf() -> None:
    # scipy.stats.t.cdf; non-integer df as Welch produces, and df up to 1e8 where the CDF must still beat 1e-12.
    cases = [(-2.5, 1), (-2.5, 2.5), (1.3, 3.7), (-4, 10), (2.0, 30), (-6, 100.5), (-12, 7.3), (-2, 1e3), (-2, 1e6),
             (-6, 1e6), (-0.5, 1e8), (-2.17, 4754976.5), (40, 3), (-1e3, 2.5), (0, 5), (-26.3, 109118.1), (-8, 0.6),
             (-3.1937690711214165e-05, 972044148.9943758)]  # last: df/(df + t²) rounds to 1; only t²/(df + t²) remains
    for t, df in cases:
        print(f"  [{num(t)}, {num(df)}, {num(stats.t.cdf(t, df))}],")


def student_t_quantile() -> None:
    # scipy.stats.t.ppf
    cases = [(0.975, 1), (0.975, 2), (0.975, 4.3), (0.975, 29.7), (0.995, 120), (0.975, 1e6), (1e-10, 5), (0.025, 12.5),
             (0.9, 0.7), (0.05, 3), (1 - 1e-8, 40)]
    for p, df in cases:
        print(f"  [{num(p)}, {num(df)}, {num(stats.t.ppf(p, df))}],")


def chi_square_sf() -> None:
    # scipy.stats.chi2.sf, df up to 10,000 (an SRM check over many arms, or a very long contingency table)
    cases = [(3.841458820694124, 1), (40.816326530612244, 1), (0.1, 1), (1e-8, 1), (200, 1), (10, 3), (30, 10), (150, 100),
             (1100, 1000), (10000, 10000), (10300, 10000), (9700, 10000), (11000, 10000), (12000, 10000), (2.5, 0.5)]
    for x, df in cases:
        print(f"  [{num(x)}, {num(df)}, {num(stats.chi2.sf(x, df))}],")


def log_beta() -> None:
    # mpmath log(beta(a, b)) at 50 digits: scipy.special.betaln drifts by ~1e-10 when one argument is huge and
    # the other small (e.g. betaln(305439.67, 0.0281) is off in the 10th digit), so it cannot be the oracle there.
    cases = [(0.5, 0.5), (1, 1), (2, 3), (0.01, 0.02), (10, 20), (1e3, 2e3), (1e6, 1e6), (0.5, 1e7), (1e5, 3),
             (305439.6745416691, 0.028088917156681627), (12.5, 9.5)]
    for a, b in cases:
        print(f"  [{num(a)}, {num(b)}, {num(float(mp.log(mp.beta(a, b))))}],  // scipy betaln: {num(special.betaln(a, b))}")


def incomplete_beta() -> None:
    # scipy.special.betainc / betaincc, including the t-at-large-df corner (a huge, b = 1/2, x near 1)
    cases = [(0.3, 2, 3), (0.9, 0.5, 0.5), (1e-12, 0.7261329342312459, 2791.9035579331853), (0.999999999999, 252.4290994979042, 0.8863545110613017),
             (0.0955, 1000, 9000), (0.105, 1000, 9000), (0.9999974663883509, 698564.75500696, 0.5376676874173074)]
    for x, a, b in cases:
        print(f"  [{num(x)}, {num(a)}, {num(b)}, {num(special.betainc(a, b, x))}, {num(special.betaincc(a, b, x))}],")


if __name__ == "__main__":
    for name, fn in [("normal_cdf", normal_cdf), ("normal_quantile", normal_quantile), ("student_t_cdf", student_t_cdf),
                     ("student_t_quantile", student_t_quantile), ("chi_square_sf", chi_square_sf), ("log_beta", log_beta),
                     ("incomplete_beta", incomplete_beta)]:
        print(f"// {name}")
        fn()
