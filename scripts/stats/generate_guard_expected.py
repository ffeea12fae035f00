#!/usr/bin/env python3
"""Expected figures for the guarded-rollout statistics (server/src/core/guard).

An independent implementation with numpy and scipy, written from the papers, not from the
TypeScript, and by a different route where one exists:
- ln Gamma: scipy.special.gammaln.
- Sequential SRM (Lindon & Malek 2022): the Bayes factor as the ratio of two likelihoods,
  scipy.stats.dirichlet_multinomial.pmf over scipy.stats.multinomial.pmf, not the closed form.
- Binomial and mean guardrails from unit-level arrays: the rate difference with ddof=1
  variances; the mean (ratio of sums) with the delta-method variance of the linearised unit
  values (x - R y) / mean(y).
- Quantile guardrails from the raw event values: numpy.quantile(method="lower"), the Siddiqui
  sparsity with the Hall-Sheather bandwidth on the exact sample (the engine uses a sketch, which
  the test allows for with the sketch's error bound).
- Confidence sequences (Waudby-Smith et al. 2021, eq. 9 and eq. 161), the always-valid p-value by
  bisection on alpha rather than the closed form.

Writes test/fixtures/guard/guard-expected.json. Seeded: the same file byte for byte
(`--check` says whether the committed file is current).

Usage: python3 scripts/stats/generate_guard_expected.py [--check]
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy import special, stats

SEED = 20261127
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "guard" / "guard-expected.json"
SRM_CONCENTRATION = 100


def rho(alpha: float, tuning: float) -> float:
    a = -2 * math.log(alpha)
    return math.sqrt((a + math.log(a + 1)) / tuning)


def half_width(se: float, n: int, alpha: float, tuning: float) -> float:
    r = rho(alpha, tuning)
    nr2 = n * r * r
    return math.sqrt(se * se * n * 2 * (nr2 + 1) * math.log(math.sqrt(nr2 + 1) / alpha) / (n * r) ** 2)


def always_valid_p(diff: float, se: float, n: int, tuning: float, alpha: float) -> float:
    """Smallest alpha' whose sequence (rho fixed by the plan's alpha) excludes 0, by bisection."""
    r = rho(alpha, tuning)
    nr2 = n * r * r

    def width(log_a: float) -> float:
        return math.sqrt(se * se * n * 2 * (nr2 + 1) * (math.log(math.sqrt(nr2 + 1)) - log_a) / (n * r) ** 2)

    if width(0.0) >= abs(diff):
        return 1.0
    lo, hi = -745.0, 0.0  # log alpha'
    for _ in range(200):
        mid = (lo + hi) / 2
        if width(mid) > abs(diff):
            lo = mid  # the sequence at alpha' still holds 0: alpha' must be larger
        else:
            hi = mid
    return math.exp((lo + hi) / 2)


def comparison(diff: float, se: float, n: int, alpha: float, tuning: float) -> dict:
    h = half_width(se, n, alpha, tuning)
    return {
        "difference": diff,
        "standardError": se,
        "interval": [diff - h, diff + h],
        "pValue": always_valid_p(diff, se, n, tuning, alpha),
    }


def binomial_case(rng, name: str, n_base: int, p_base: float, n_var: int, p_var: float, alpha: float, tuning: int):
    base = (rng.random(n_base) < p_base).astype(float)
    var = (rng.random(n_var) < p_var).astype(float)
    arms = {}
    for label, x in (("baseline", base), ("variant", var)):
        arms[label] = {
            "statistics": {"units": int(x.size), "sum": float(x.sum()), "sumSquares": float((x * x).sum())},
            "value": float(x.mean()),
            "standardError": float(math.sqrt(x.var(ddof=1) / x.size)),
        }
    diff = arms["variant"]["value"] - arms["baseline"]["value"]
    se = math.hypot(arms["variant"]["standardError"], arms["baseline"]["standardError"])
    return {"name": name, "kind": "binomial", "alpha": alpha, "tuning": tuning, "arms": arms,
            "expected": comparison(diff, se, n_base + n_var, alpha, tuning)}


def mean_case(rng, name: str, n_base: int, n_var: int, shift: float, alpha: float, tuning: int):
    arms = {}
    for label, n, extra in (("baseline", n_base, 0.0), ("variant", n_var, shift)):
        events = rng.poisson(2.0, n) + 1
        x = np.array([np.round(rng.lognormal(math.log(200 + extra), 0.5, k), 1).sum() for k in events])
        y = events.astype(float)
        ratio = x.sum() / y.sum()
        linear = (x - ratio * y) / y.mean()
        arms[label] = {
            "statistics": {
                "units": int(n), "sum": float(x.sum()), "sumSquares": float((x * x).sum()),
                "denominatorSum": float(y.sum()), "denominatorSumSquares": float((y * y).sum()),
                "crossSum": float((x * y).sum()),
            },
            "value": float(ratio),
            "standardError": float(math.sqrt(linear.var(ddof=1) / n)),
        }
    diff = arms["variant"]["value"] - arms["baseline"]["value"]
    se = math.hypot(arms["variant"]["standardError"], arms["baseline"]["standardError"])
    return {"name": name, "kind": "mean", "alpha": alpha, "tuning": tuning, "arms": arms,
            "expected": comparison(diff, se, n_base + n_var, alpha, tuning)}


def hall_sheather(q: float, n: int) -> float:
    z = stats.norm.ppf(0.975)
    x = stats.norm.ppf(q)
    return n ** (-1 / 3) * z ** (2 / 3) * (1.5 * stats.norm.pdf(x) ** 2 / (2 * x * x + 1)) ** (1 / 3)


def quantile_arm(values: np.ndarray, q: float) -> dict:
    n = values.size
    h = hall_sheather(q, n)
    low, high = max(0.0, q - h), min(1.0, q + h)
    q_low = float(np.quantile(values, low, method="lower"))
    q_high = float(np.quantile(values, high, method="lower"))
    sparsity = (q_high - q_low) / (high - low)
    return {
        "values": [float(v) for v in values],
        "n": int(n),
        "value": float(np.quantile(values, q, method="lower")),
        "standardError": float(sparsity * math.sqrt(q * (1 - q) / n)),
        "bandwidth": float(h),
        "sparsityQuantiles": [q_low, q_high],
    }


def quantile_case(rng, name: str, kind: str, n_base: int, n_var: int, shift: float, alpha: float, tuning: int):
    q = {"p95": 0.95, "p99": 0.99}[kind]
    base = np.round(rng.lognormal(math.log(400), 0.4, n_base), 1)
    var = np.round(rng.lognormal(math.log(400 + shift), 0.4, n_var), 1)
    arms = {"baseline": quantile_arm(base, q), "variant": quantile_arm(var, q)}
    diff = arms["variant"]["value"] - arms["baseline"]["value"]
    se = math.hypot(arms["variant"]["standardError"], arms["baseline"]["standardError"])
    return {"name": name, "kind": kind, "alpha": alpha, "tuning": tuning, "arms": arms,
            "expected": comparison(diff, se, n_base + n_var, alpha, tuning)}


def srm_case(units: dict, shares: dict) -> dict:
    keys = list(shares)
    counts = [units[k] for k in keys]
    total_share = sum(shares.values())
    theta = [shares[k] / total_share for k in keys]
    n = sum(counts)
    log_alternative = stats.dirichlet_multinomial.logpmf(counts, [SRM_CONCENTRATION * t for t in theta], n)
    log_null = stats.multinomial.logpmf(counts, n, theta)
    return {"units": units, "shares": shares, "pValue": float(min(1.0, math.exp(log_null - log_alternative)))}


def main() -> None:
    rng = np.random.default_rng(SEED)
    document = {
        "generator": "scripts/stats/generate_guard_expected.py",
        "seed": SEED,
        "srmConcentration": SRM_CONCENTRATION,
        "logGamma": [{"x": x, "value": float(special.gammaln(x))} for x in
                     [1e-3, 0.25, 0.5, 1.0, 1.5, 3.7, 9.99, 10.0, 42.5, 1e3, 123456.75, 2.5e7]],
        "srm": [
            srm_case({"off": 9500, "on": 500}, {"off": 95, "on": 5}),
            srm_case({"off": 9420, "on": 580}, {"off": 95, "on": 5}),
            srm_case({"off": 7400, "on": 2600}, {"off": 75, "on": 25}),
            srm_case({"off": 740, "on": 290}, {"off": 75, "on": 25}),
            srm_case({"off": 12, "on": 0}, {"off": 99, "on": 1}),
        ],
        "guardrails": [
            binomial_case(rng, "errors, no difference, 25% step", 7500, 0.02, 2500, 0.02, 0.01, 5000),
            binomial_case(rng, "errors +2 points, 25% step", 7500, 0.01, 2500, 0.03, 0.01, 5000),
            binomial_case(rng, "conversion, alpha 0.05, tuned to 20,000", 10000, 0.1, 10000, 0.1, 0.05, 20000),
            mean_case(rng, "latency mean, no difference", 3000, 1000, 0.0, 0.01, 5000),
            mean_case(rng, "latency mean +15 ms", 3000, 3000, 15.0, 0.01, 5000),
            quantile_case(rng, "latency p95, no difference", "p95", 3000, 1500, 0.0, 0.01, 5000),
            quantile_case(rng, "latency p95 +60 ms", "p95", 3000, 3000, 60.0, 0.01, 5000),
            quantile_case(rng, "latency p99, 25% step", "p99", 4000, 1500, 20.0, 0.01, 5000),
        ],
    }
    text = json.dumps(document, indent=1) + "\n"
    if "--check" in sys.argv:
        current = OUT.read_text() if OUT.exists() else ""
        print("current" if current == text else "out of date")
        sys.exit(0 if current == text else 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
