"""Reference values for shared/experiments/bucketing.test.ts.

Run: pip install mmh3 scipy && python3 shared/experiments/reference/bucketing_vectors.py
Produced with mmh3 5.3.0 (canonical MurmurHash3 x86_32, the C++ reference by Austin Appleby) and scipy 1.17.1.
"""
import mmh3
from scipy.stats import chi2

BUCKETS = 10_000

# (label, key as the test writes it, the UTF-8 bytes the hash sees, seed)
VECTORS = [
    ("empty, seed 0", '""', b"", 0),
    ("empty, seed 1", '""', b"", 1),
    ("empty, seed 0xffffffff", '""', b"", 0xFFFFFFFF),
    ("1 byte (tail 1)", '"a"', b"a", 0),
    ("2 bytes (tail 2)", '"ab"', b"ab", 0),
    ("3 bytes (tail 3)", '"abc"', b"abc", 0),
    ("4 bytes (one block, no tail)", '"abcd"', b"abcd", 0),
    ("5 bytes (block + tail 1)", '"abcde"', b"abcde", 0),
    ("hello", '"hello"', b"hello", 0),
    ("hello, seed 42", '"hello"', b"hello", 42),
    ("quick brown fox", '"The quick brown fox jumps over the lazy dog"', b"The quick brown fox jumps over the lazy dog", 0),
    ("quick brown fox, seed 0x9747b28c", '"The quick brown fox jumps over the lazy dog"', b"The quick brown fox jumps over the lazy dog", 0x9747B28C),
    ("2-byte UTF-8", '"h\\u00e9llo"', "h\u00e9llo".encode(), 0),
    ("3-byte UTF-8", '"\\u65e5\\u672c\\u8a9e"', "\u65e5\u672c\u8a9e".encode(), 0),
    ("4-byte UTF-8 (surrogate pair)", '"\\u{1F600}"', "\U0001F600".encode(), 0),
    ("mixed scripts", '"na\\u00efve caf\\u00e9 \\u2615 \\u{1F600}"', "na\u00efve caf\u00e9 \u2615 \U0001F600".encode(), 0),
    # A lone surrogate is not valid UTF-8; TextEncoder (WHATWG) writes U+FFFD instead, so we hash EF BF BD.
    ("lone surrogate -> U+FFFD", '"\\ud800"', "\ufffd".encode(), 0),
]

print("murmur3_32 vectors: [label, key, seed, expected]")
for label, key, data, seed in VECTORS:
    print(f'  ["{label}", {key}, {seed:#x}, {mmh3.hash(data, seed, signed=False):#010x}],')

print("\nbucketOf vectors: murmur3_32(f'{salt}:{unit}') % 10000")
for salt, unit in [("exp_hero", "anon_0"), ("exp_hero", "anon_1"), ("exp_hero", "anon_999999"), ("checkout-cta", "v:42")]:
    print(f'  ["{salt}", "{unit}", {mmh3.hash(f"{salt}:{unit}", 0, signed=False) % BUCKETS}],')

print("\nchi-square critical values, upper 0.1% tail")
print(f"  chi2.ppf(0.999, {BUCKETS - 1}) = {float(chi2.ppf(0.999, BUCKETS - 1))!r}")
print(f"  chi2.ppf(0.999, 99) = {float(chi2.ppf(0.999, 99))!r}")

# The statistic the test measures, so a change to either side shows up as a mismatch, not only a threshold miss.
counts = [0] * BUCKETS
n = 1_000_000
for i in range(n):
    counts[mmh3.hash(f"exp_uniformity:anon_{i}", 0, signed=False) % BUCKETS] += 1
expected = n / BUCKETS
stat = sum((c - expected) ** 2 for c in counts) / expected
bins = [sum(counts[b * 100:(b + 1) * 100]) for b in range(100)]
stat100 = sum((c - n / 100) ** 2 for c in bins) / (n / 100)
print(f"\nchi-square of bucketOf('exp_uniformity', anon_0..anon_999999): {stat!r} (10,000 buckets), {stat100!r} (100 bins)")
