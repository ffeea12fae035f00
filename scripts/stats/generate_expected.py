#!/usr/bin/env python3
"""Expected figures for the experiments statistics (server/src/core/experiments/statistics).

An independent implementation of DESIGN.md section 9 with numpy and scipy.stats, written from the
formulas and papers, not from the TypeScript. Where it can, it computes a figure by a different
route than the engine does (unit-level arrays with numpy instead of sufficient statistics; the
delta-method variance of a ratio from the linearised unit values; CUPED from adjusted unit values).

Writes test/fixtures/experiments/statistics-expected.json. Seeded: the same seed gives the same
file, byte for byte (`python3 scripts/stats/generate_expected.py --check` says whether the
committed file is current).

Usage: python3 scripts/stats/generate_expected.py [--check]
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy import integrate, stats

SEED = 20261204
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "experiments" / "statistics-expected.json"

# GrowthBook's default sequential tuning (gbstats SequentialConfig.sequential_tuning_parameter),
# used when the plan has no plannedUnitsPerVariant.
DEFAULT_SEQUENTIAL_TUNING = 5000


# ---------------------------------------------------------------------------------------------
# Per-arm moments
# ---------------------------------------------------------------------------------------------


def moments_from_sums(kind: str, s: dict) -> dict:
    """n, mean, unit variance (n-1) and variance of the mean from sufficient statistics."""
    n = s["units"]
    if kind == "ratio":
        sy = s["denominatorSum"]
        if n == 0 or sy == 0:
            return {"n": n, "mean": 0.0, "variance": 0.0, "varianceOfMean": 0.0}
        mx, my = s["sum"] / n, sy / n
        if n < 2:
            return {"n": n, "mean": mx / my, "variance": 0.0, "varianceOfMean": 0.0}
        vx = (s["sumSquares"] - n * mx * mx) / (n - 1)
        vy = (s["denominatorSumSquares"] - n * my * my) / (n - 1)
        cxy = (s["crossSum"] - n * mx * my) / (n - 1)
        # Deng, Knoblich, Lu 2018 (KDD), section 2.2: Var(X/Y) by the delta method.
        v = vx / my**2 - 2 * mx * cxy / my**3 + mx**2 * vy / my**4
        return {"n": n, "mean": mx / my, "variance": v, "varianceOfMean": v / n}
    if n == 0:
        return {"n": 0, "mean": 0.0, "variance": 0.0, "varianceOfMean": 0.0}
    m = s["sum"] / n
    if n < 2:
        return {"n": n, "mean": m, "variance": 0.0, "varianceOfMean": 0.0}
    v = (s["sumSquares"] - s["sum"] ** 2 / n) / (n - 1)
    v = max(v, 0.0)
    return {"n": n, "mean": m, "variance": v, "varianceOfMean": v / n}


def moments_from_units(kind: str, x: np.ndarray, y: np.ndarray | None = None) -> dict:
    """The same moments from unit-level values, by numpy (a second route to check the first)."""
    n = len(x)
    if kind == "ratio":
        r = x.sum() / y.sum()
        # Linearised values (x - r y) / mean(y): their sample variance is the delta-method one.
        z = (x - r * y) / y.mean()
        v = float(np.var(z, ddof=1))
        return {"n": n, "mean": float(r), "variance": v, "varianceOfMean": v / n}
    v = float(np.var(x, ddof=1))
    return {"n": n, "mean": float(x.mean()), "variance": v, "varianceOfMean": v / n}


# ---------------------------------------------------------------------------------------------
# Frequentist relative lift (DESIGN.md section 9)
# ---------------------------------------------------------------------------------------------


def relative_lift(c: dict, t: dict, alpha: float) -> dict | None:
    """Welch relative lift; None when degenerate (the engine's documented fallback applies)."""
    if c["n"] < 2 or t["n"] < 2 or c["mean"] == 0:
        return None
    mc, mt = c["mean"], t["mean"]
    vmc, vmt = c["varianceOfMean"], t["varianceOfMean"]
    lift = (mt - mc) / mc
    var = vmt / mc**2 + vmc * mt**2 / mc**4
    if not (var > 0 and math.isfinite(var) and math.isfinite(lift)):
        return None
    se = math.sqrt(var)
    dof = (vmt + vmc) ** 2 / (vmt**2 / (t["n"] - 1) + vmc**2 / (c["n"] - 1))
    q = stats.t.ppf(1 - alpha / 2, dof)
    p = 2 * stats.t.sf(abs(lift) / se, dof)
    return {
        "lift": lift,
        "variance": var,
        "standardError": se,
        "degreesOfFreedom": dof,
        "ci": [lift - q * se, lift + q * se],
        "pValue": min(1.0, p),
    }


# ---------------------------------------------------------------------------------------------
# Bayesian (flat prior, normal approximation of the lift)
# ---------------------------------------------------------------------------------------------


def bayesian(lift: float, se: float, goal: str) -> dict:
    mu = lift if goal == "increase" else -lift
    chance = stats.norm.cdf(mu / se)
    risk = se * stats.norm.pdf(mu / se) - mu * stats.norm.cdf(-mu / se)
    # A numeric cross-check of the closed form: E[max(0, -D)] by quadrature.
    numeric, _ = integrate.quad(lambda d: -d * stats.norm.pdf(d, mu, se), -np.inf, 0.0, epsabs=0, epsrel=1e-10)
    assert abs(numeric - risk) <= 1e-7 * risk + 1e-300, (numeric, risk)
    return {"chanceToBeatControl": float(chance), "risk": float(risk)}


# ---------------------------------------------------------------------------------------------
# Sequential: asymptotic confidence sequences (Waudby-Smith et al., arXiv 2103.06476v7 eq. 9 and
# the rho of eq. 161, as GrowthBook's gbstats sequential_rho / sequential_interval_halfwidth)
# ---------------------------------------------------------------------------------------------


def sequential_rho(alpha: float, tuning: float) -> float:
    a = -2 * math.log(alpha)
    return math.sqrt((a + math.log(a + 1)) / tuning)


def sequential(lift: float, se: float, n: int, tuning: float, alpha: float) -> dict:
    rho = sequential_rho(alpha, tuning)
    s2 = se**2 * n
    nr2 = n * rho**2
    half = math.sqrt(s2 * 2 * (nr2 + 1) * math.log(math.sqrt(nr2 + 1) / alpha) / (n * rho) ** 2)
    # Always-valid p: the smallest alpha whose sequence excludes 0, found here by bisection on
    # the interval itself (the engine uses the closed form; both must agree).
    def excludes(a: float) -> bool:
        h = math.sqrt(s2 * 2 * (nr2 + 1) * math.log(math.sqrt(nr2 + 1) / a) / (n * rho) ** 2)
        return abs(lift) > h

    if not excludes(1.0 - 1e-15):
        p = 1.0
    else:
        lo, hi = 1e-300, 1.0
        if excludes(lo):
            p = 0.0
        else:
            # Bisection in log space: the p-values span many orders of magnitude.
            for _ in range(200):
                mid = math.sqrt(lo * hi)
                if excludes(mid):
                    hi = mid
                else:
                    lo = mid
            p = hi
    return {"rho": rho, "halfWidth": half, "ci": [lift - half, lift + half], "pValue": p}


# ---------------------------------------------------------------------------------------------
# SRM, corrections, power
# ---------------------------------------------------------------------------------------------


def srm(units: dict, shares: dict) -> dict:
    keys = [k for k in shares if shares[k] > 0]
    total_share = sum(shares[k] for k in keys)
    observed = np.array([units.get(k, 0) for k in keys], dtype=float)
    expected = observed.sum() * np.array([shares[k] / total_share for k in keys])
    res = stats.chisquare(observed, expected)
    return {
        "chiSquare": float(res.statistic),
        "degreesOfFreedom": len(keys) - 1,
        "pValue": float(stats.chi2.sf(res.statistic, len(keys) - 1)),
    }


def holm(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def bh(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i], reverse=True)
    out = [0.0] * m
    running = 1.0
    for k, i in enumerate(order):
        rank = m - k
        running = min(running, m * p[i] / rank)
        out[i] = min(1.0, running)
    return out


def power_units(kind: str, mean: float, variance: float, mde: float, alpha: float, power: float):
    """Units per arm, Chow, Shao & Wang (2008) section 3.2.1 (two-sample, unequal variances)."""
    if mean == 0 or mde <= 0:
        return None
    if kind == "binomial":
        pt = min(1.0, max(0.0, mean * (1 + mde)))
        vt = pt * (1 - pt)
    else:
        vt = variance
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    n = z**2 * (variance + vt) / (mde * mean) ** 2
    return max(2, math.ceil(n))


# ---------------------------------------------------------------------------------------------
# CUPED (Deng, Xu, Kohavi, Walker 2013, section 3.3) from unit-level values
# ---------------------------------------------------------------------------------------------


def cuped_arms(arms: dict) -> tuple[float, dict]:
    """theta pooled over every arm's units; per-arm moments of the adjusted unit values."""
    ys = np.concatenate([a["x"] for a in arms.values()])
    ps = np.concatenate([a["pre"] for a in arms.values()])
    var_p = np.var(ps, ddof=1)
    theta = float(np.cov(ys, ps, ddof=1)[0, 1] / var_p) if var_p > 0 else 0.0
    pooled_pre = ps.mean()
    out = {}
    for k, a in arms.items():
        adj = a["x"] - theta * (a["pre"] - pooled_pre)
        out[k] = moments_from_units("mean", adj)
    return theta, out


# ---------------------------------------------------------------------------------------------
# The whole analysis (what analyzeMetrics must return)
# ---------------------------------------------------------------------------------------------


def degenerate_result(variant: str, c: dict, t: dict, sequential_on: bool) -> dict:
    lift = (t["mean"] - c["mean"]) / c["mean"] if c["mean"] != 0 and c["n"] > 0 and t["n"] > 0 else 0.0
    r = {
        "variant": variant,
        "lift": lift,
        "ci": [lift, lift],
        "pValue": 1.0,
        "chanceToBeatControl": 0.5,
        "risk": 0.0,
        "significant": False,
        "standardError": 0.0,
        "degreesOfFreedom": 0.0,
        "direction": "inconclusive",
    }
    if sequential_on:
        r["fixedHorizonCi"] = [lift, lift]
    return r


def analyze(inp: dict, units: dict | None = None) -> list[dict]:
    """units: optional unit-level arrays per metric name and arm, for CUPED by adjusted values."""
    plan = inp["plan"]
    alpha = plan["alpha"]
    control = inp["control"]
    reports = []
    family = []  # (report index, result index) of primary and secondary results
    for metric_stats in inp["metrics"]:
        metric = metric_stats["metric"]
        kind = metric["kind"]
        arms = metric_stats["variants"]
        mom = {k: moments_from_sums(kind, v) for k, v in arms.items()}
        summaries = {
            k: {"units": arms[k]["units"], "mean": mom[k]["mean"], "stdDev": math.sqrt(mom[k]["variance"])}
            for k in arms
        }
        use_cuped = (
            plan["cuped"]
            and kind != "ratio"
            and all(arms[k].get("preSum") is not None for k in arms)
        )
        adjusted = None
        if use_cuped:
            if units is not None and metric["name"] in units:
                _, adjusted = cuped_arms(units[metric["name"]])
            else:
                adjusted = cuped_from_sums(arms)
        results = []
        for t in inp["treatments"]:
            c_m, t_m = mom[control], mom[t]
            raw = relative_lift(c_m, t_m, alpha)
            fit = raw
            reduction = None
            if adjusted is not None and raw is not None:
                adj = relative_lift(adjusted[control], adjusted[t], alpha)
                if adj is not None:
                    fit = adj
                    reduction = 1 - adj["variance"] / raw["variance"]
            if fit is None:
                r = degenerate_result(t, c_m, t_m, plan["sequential"])
            else:
                b = bayesian(fit["lift"], fit["standardError"], metric["goal"])
                r = {
                    "variant": t,
                    "lift": fit["lift"],
                    "ci": fit["ci"],
                    "pValue": fit["pValue"],
                    "chanceToBeatControl": b["chanceToBeatControl"],
                    "risk": b["risk"],
                    "standardError": fit["standardError"],
                    "degreesOfFreedom": fit["degreesOfFreedom"],
                }
                if plan["sequential"]:
                    planned = plan.get("plannedUnitsPerVariant")
                    tuning = 2 * planned if planned else DEFAULT_SEQUENTIAL_TUNING
                    n = c_m["n"] + t_m["n"]
                    s = sequential(fit["lift"], fit["standardError"], n, tuning, alpha)
                    r["fixedHorizonCi"] = fit["ci"]
                    r["ci"] = s["ci"]
                    r["pValue"] = s["pValue"]
                if reduction is not None:
                    r["cupedVarianceReduction"] = reduction
            r["_degenerate"] = fit is None
            results.append(r)
            if metric["role"] != "guardrail":
                family.append((len(reports), len(results) - 1))
        reports.append(
            {
                "name": metric["name"],
                "role": metric["role"],
                "kind": kind,
                "goal": metric["goal"],
                "variants": summaries,
                "results": results,
            }
        )
    if plan["correction"] != "none" and family:
        ps = [reports[i]["results"][j]["pValue"] for i, j in family]
        adj = holm(ps) if plan["correction"] == "holm" else bh(ps)
        for (i, j), a in zip(family, adj):
            reports[i]["results"][j]["adjustedPValue"] = a
    for rep in reports:
        for r in rep["results"]:
            degenerate = r.pop("_degenerate")
            if degenerate:
                continue
            if plan["engine"] == "bayesian":
                ctw = r["chanceToBeatControl"]
                sig = ctw >= 1 - alpha or ctw <= alpha
                better = ctw >= 1 - alpha
            else:
                p = r.get("adjustedPValue", r["pValue"])
                sig = p < alpha
                better = (r["lift"] > 0) == (rep["goal"] == "increase")
            r["significant"] = bool(sig)
            r["direction"] = ("better" if better else "worse") if sig else "inconclusive"
    return reports


def cuped_from_sums(arms: dict) -> dict:
    """CUPED from sufficient statistics only (for cases without unit-level data)."""
    n = sum(a["units"] for a in arms.values())
    sx = sum(a["sum"] for a in arms.values())
    sp = sum(a["preSum"] for a in arms.values())
    spp = sum(a["preSumSquares"] for a in arms.values())
    sxp = sum(a["preCrossSum"] for a in arms.values())
    var_p = (spp - sp * sp / n) / (n - 1)
    cov = (sxp - sx * sp / n) / (n - 1)
    theta = cov / var_p if var_p > 0 else 0.0
    pooled_pre = sp / n
    out = {}
    for k, a in arms.items():
        m = a["units"]
        mx, mp = a["sum"] / m, a["preSum"] / m
        vx = (a["sumSquares"] - m * mx * mx) / (m - 1)
        vp = (a["preSumSquares"] - m * mp * mp) / (m - 1)
        cxp = (a["preCrossSum"] - m * mx * mp) / (m - 1)
        v = vx + theta**2 * vp - 2 * theta * cxp
        out[k] = {"n": m, "mean": mx - theta * (mp - pooled_pre), "variance": v, "varianceOfMean": v / m}
    return out


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------

rng = np.random.default_rng(SEED)


def sums(x: np.ndarray, y: np.ndarray | None = None, pre: np.ndarray | None = None) -> dict:
    s = {"units": int(len(x)), "sum": float(x.sum()), "sumSquares": float((x * x).sum())}
    if y is not None:
        s["denominatorSum"] = float(y.sum())
        s["denominatorSumSquares"] = float((y * y).sum())
        s["crossSum"] = float((x * y).sum())
    if pre is not None:
        s["preSum"] = float(pre.sum())
        s["preSumSquares"] = float((pre * pre).sum())
        s["preCrossSum"] = float((x * pre).sum())
    return s


def plan(**kw) -> dict:
    p = {
        "engine": "frequentist",
        "alpha": 0.05,
        "correction": "holm",
        "sequential": False,
        "minUnitsPerVariant": 100,
        "cuped": False,
        "cupedLookbackDays": 14,
        "power": 0.8,
    }
    p.update(kw)
    return p


def metric(name, kind, goal="increase", role="primary", **kw) -> dict:
    m = {"name": name, "event": name, "kind": kind, "goal": goal, "role": role}
    m.update(kw)
    return m


def binomial_units(p: float, n: int) -> np.ndarray:
    return (rng.random(n) < p).astype(float)


def revenue_units(n: int, buy: float, scale: float) -> np.ndarray:
    # Most units spend nothing; buyers spend a gamma-distributed amount (skewed, like revenue).
    return np.where(rng.random(n) < buy, np.round(rng.gamma(2.0, scale, n), 2), 0.0)


moments_cases = []
analyses = []


def record_moments(name: str, kind: str, x, y=None):
    s = sums(x, y)
    moments_cases.append(
        {"name": name, "kind": kind, "statistics": s, "expected": moments_from_units(kind, x, y)}
    )


# 1. binomial + revenue + guardrail, two arms, Holm (DESIGN.md section 9's example shape).
n_c, n_t = 5021, 4979
buy_c, buy_t = binomial_units(0.101, n_c), binomial_units(0.115, n_t)
rev_c = np.where(buy_c > 0, np.round(rng.gamma(2.0, 20.0, n_c), 2), 0.0)
rev_t = np.where(buy_t > 0, np.round(rng.gamma(2.0, 21.0, n_t), 2), 0.0)
err_c, err_t = binomial_units(0.02, n_c), binomial_units(0.028, n_t)
record_moments("binomial from units", "binomial", buy_c)
record_moments("mean from units (skewed revenue)", "mean", rev_t)
analyses.append(
    {
        "name": "two arms, binomial primary, mean secondary, binomial guardrail, Holm",
        "input": {
            "control": "blue",
            "treatments": ["green"],
            "plan": plan(correction="holm"),
            "metrics": [
                {"metric": metric("purchase", "binomial"), "variants": {"blue": sums(buy_c), "green": sums(buy_t)}},
                {
                    "metric": metric("revenue", "mean", role="secondary"),
                    "variants": {"blue": sums(rev_c), "green": sums(rev_t)},
                },
                {
                    "metric": metric("errors", "binomial", goal="decrease", role="guardrail"),
                    "variants": {"blue": sums(err_c), "green": sums(err_t)},
                },
            ],
        },
    }
)

# 2. control and three treatments, two metrics, Benjamini-Hochberg.
arms = {"a": 0.20, "b": 0.20, "c": 0.225, "d": 0.185}
sizes = {"a": 3000, "b": 2950, "c": 3050, "d": 3010}
conv = {k: binomial_units(p, sizes[k]) for k, p in arms.items()}
time_on = {k: rng.normal(60.0 + (4.0 if k == "c" else 0.0), 25.0, sizes[k]).round(1) for k in arms}
analyses.append(
    {
        "name": "four arms, two metrics, Benjamini-Hochberg across metrics and treatments",
        "input": {
            "control": "a",
            "treatments": ["b", "c", "d"],
            "plan": plan(correction="bh"),
            "metrics": [
                {"metric": metric("signup", "binomial"), "variants": {k: sums(v) for k, v in conv.items()}},
                {
                    "metric": metric("seconds", "mean", role="secondary"),
                    "variants": {k: sums(v) for k, v in time_on.items()},
                },
            ],
        },
    }
)

# 3. ratio metric (clicks per session over units), plus a decrease-goal ratio.
def ratio_units(n: int, rate: float):
    sessions = rng.poisson(3.0, n) + 1.0
    clicks = rng.binomial(sessions.astype(int) * 4, rate).astype(float)
    return clicks, sessions


clk_c, ses_c = ratio_units(4000, 0.10)
clk_t, ses_t = ratio_units(4100, 0.106)
lat_c = rng.gamma(3.0, 100.0, 4000).round(0)
lat_t = rng.gamma(3.0, 97.0, 4100).round(0)
req_c = rng.poisson(5.0, 4000) + 1.0
req_t = rng.poisson(5.0, 4100) + 1.0
record_moments("ratio from units (delta method via linearised values)", "ratio", clk_c, ses_c)
analyses.append(
    {
        "name": "ratio metrics by the delta method, no correction",
        "input": {
            "control": "off",
            "treatments": ["on"],
            "plan": plan(correction="none"),
            "metrics": [
                {
                    "metric": metric("clicks per session", "ratio", denominator="session"),
                    "variants": {"off": sums(clk_c, ses_c), "on": sums(clk_t, ses_t)},
                },
                {
                    "metric": metric("latency per request", "ratio", goal="decrease", role="secondary",
                                     denominator="request"),
                    "variants": {"off": sums(lat_c * req_c / 5, req_c), "on": sums(lat_t * req_t / 5, req_t)},
                },
            ],
        },
    }
)

# 4. sequential with a planned size, and with the default tuning.
seq_c, seq_t = binomial_units(0.30, 2500), binomial_units(0.33, 2480)
rev2_c, rev2_t = revenue_units(2500, 0.3, 15.0), revenue_units(2480, 0.3, 16.5)
for planned in (4000, None):
    p = plan(sequential=True, correction="holm")
    if planned:
        p["plannedUnitsPerVariant"] = planned
    analyses.append(
        {
            "name": f"sequential confidence sequences, {'planned 4000 per variant' if planned else 'default tuning'}",
            "input": {
                "control": "c",
                "treatments": ["t"],
                "plan": p,
                "metrics": [
                    {"metric": metric("converted", "binomial"), "variants": {"c": sums(seq_c), "t": sums(seq_t)}},
                    {
                        "metric": metric("spend", "mean", role="secondary"),
                        "variants": {"c": sums(rev2_c), "t": sums(rev2_t)},
                    },
                ],
            },
        }
    )

# 5. CUPED from unit-level data with a correlated pre-period; a ratio metric in the same plan.
def cuped_mean_units(n: int, lift: float):
    base = rng.gamma(2.0, 10.0, n)
    pre = np.round(base + rng.normal(0, 4.0, n), 2)
    post = np.round(base * (1 + lift) + rng.normal(0, 4.0, n), 2)
    return post, pre


def cuped_binomial_units(n: int, lift: float):
    propensity = rng.beta(1.0, 6.0, n)
    pre = (rng.random(n) < propensity).astype(float)
    post = (rng.random(n) < np.clip(propensity * (1 + lift), 0, 1)).astype(float)
    return post, pre


cu = {"ctl": cuped_mean_units(3000, 0.0), "new": cuped_mean_units(3100, 0.03)}
cb = {"ctl": cuped_binomial_units(3000, 0.0), "new": cuped_binomial_units(3100, 0.06)}
cuped_units = {
    "order value": {k: {"x": v[0], "pre": v[1]} for k, v in cu.items()},
    "returned": {k: {"x": v[0], "pre": v[1]} for k, v in cb.items()},
}
for seq in (False, True):
    p = plan(cuped=True, correction="holm", sequential=seq)
    if seq:
        p["plannedUnitsPerVariant"] = 3000
    analyses.append(
        {
            "name": "CUPED on mean and binomial metrics, none on a ratio" + (", sequential" if seq else ""),
            "units": "cuped",
            "input": {
                "control": "ctl",
                "treatments": ["new"],
                "plan": p,
                "metrics": [
                    {
                        "metric": metric("order value", "mean"),
                        "variants": {k: sums(v[0], pre=v[1]) for k, v in cu.items()},
                    },
                    {
                        "metric": metric("returned", "binomial", role="secondary"),
                        "variants": {k: sums(v[0], pre=v[1]) for k, v in cb.items()},
                    },
                    {
                        "metric": metric("clicks per session", "ratio", role="secondary", denominator="session"),
                        "variants": {"ctl": sums(clk_c, ses_c), "new": sums(clk_t, ses_t)},
                    },
                ],
            },
        }
    )

# 6. Bayesian engine, goals both ways, a guardrail.
bay_c, bay_t = binomial_units(0.050, 6000), binomial_units(0.058, 6000)
churn_c, churn_t = binomial_units(0.080, 6000), binomial_units(0.071, 6000)
small_c, small_t = rng.normal(10.0, 3.0, 80).round(2), rng.normal(10.2, 3.0, 85).round(2)
tickets_c, tickets_t = binomial_units(0.030, 6000), binomial_units(0.045, 6000)
analyses.append(
    {
        "name": "Bayesian engine: chance to beat control drives significance, both ways",
        "input": {
            "control": "old",
            "treatments": ["new"],
            "plan": plan(engine="bayesian", correction="holm"),
            "metrics": [
                {"metric": metric("activated", "binomial"), "variants": {"old": sums(bay_c), "new": sums(bay_t)}},
                {
                    "metric": metric("churned", "binomial", goal="decrease", role="secondary"),
                    "variants": {"old": sums(churn_c), "new": sums(churn_t)},
                },
                {
                    "metric": metric("support tickets", "binomial", goal="decrease", role="secondary"),
                    "variants": {"old": sums(tickets_c), "new": sums(tickets_t)},
                },
                {
                    "metric": metric("load time", "mean", goal="decrease", role="guardrail"),
                    "variants": {"old": sums(small_c), "new": sums(small_t)},
                },
            ],
        },
    }
)

# 7. A harmful treatment: a guardrail that worsens, a primary that falls.
harm_c, harm_t = binomial_units(0.12, 8000), binomial_units(0.105, 8000)
crash_c, crash_t = binomial_units(0.010, 8000), binomial_units(0.016, 8000)
analyses.append(
    {
        "name": "a worse treatment: primary falls, guardrail rises, Holm leaves the guardrail out",
        "input": {
            "control": "v1",
            "treatments": ["v2"],
            "plan": plan(correction="holm"),
            "metrics": [
                {"metric": metric("purchase", "binomial"), "variants": {"v1": sums(harm_c), "v2": sums(harm_t)}},
                {
                    "metric": metric("crashes", "binomial", goal="decrease", role="guardrail"),
                    "variants": {"v1": sums(crash_c), "v2": sums(crash_t)},
                },
            ],
        },
    }
)

# 8. GrowthBook's published relative Welch vector through the whole analysis.
analyses.append(
    {
        "name": "GrowthBook's relative Welch vector as a mean metric",
        "input": {
            "control": "A",
            "treatments": ["B"],
            "plan": plan(correction="none"),
            "metrics": [
                {
                    "metric": metric("value", "mean"),
                    "variants": {
                        "A": {"units": 3407, "sum": 1396.87, "sumSquares": 52377.9767},
                        "B": {"units": 3461, "sum": 2422.7, "sumSquares": 134698.29},
                    },
                }
            ],
        },
    }
)

# 9. Degenerate inputs: the documented fallback, never NaN.
zero = {"units": 0, "sum": 0.0, "sumSquares": 0.0}
analyses.append(
    {
        "name": "degenerate inputs give finite documented values",
        "input": {
            "control": "c",
            "treatments": ["t", "empty", "single"],
            "plan": plan(correction="holm", sequential=True, cuped=True),
            "metrics": [
                {
                    "metric": metric("zero units in a treatment and n = 1", "binomial"),
                    "variants": {
                        "c": {"units": 200, "sum": 20.0, "sumSquares": 20.0},
                        "t": {"units": 210, "sum": 25.0, "sumSquares": 25.0},
                        "empty": zero,
                        "single": {"units": 1, "sum": 1.0, "sumSquares": 1.0},
                    },
                },
                {
                    "metric": metric("control mean zero", "binomial", role="secondary"),
                    "variants": {
                        "c": {"units": 300, "sum": 0.0, "sumSquares": 0.0},
                        "t": {"units": 300, "sum": 4.0, "sumSquares": 4.0},
                        "empty": {"units": 300, "sum": 0.0, "sumSquares": 0.0},
                        "single": {"units": 300, "sum": 1.0, "sumSquares": 1.0},
                    },
                },
                {
                    "metric": metric("no variance in any arm", "mean", role="secondary"),
                    "variants": {
                        "c": {"units": 50, "sum": 250.0, "sumSquares": 1250.0},
                        "t": {"units": 40, "sum": 240.0, "sumSquares": 1440.0},
                        "empty": {"units": 30, "sum": 150.0, "sumSquares": 750.0},
                        "single": {"units": 20, "sum": 100.0, "sumSquares": 500.0},
                    },
                },
                {
                    "metric": metric("zero denominators", "ratio", role="guardrail", goal="decrease",
                                     denominator="d"),
                    "variants": {
                        k: {"units": 10, "sum": 0.0, "sumSquares": 0.0, "denominatorSum": 0.0,
                            "denominatorSumSquares": 0.0, "crossSum": 0.0}
                        for k in ("c", "t", "empty", "single")
                    },
                },
                {
                    "metric": metric("pre-period without variance", "mean", role="secondary"),
                    "variants": {
                        "c": {"units": 3, "sum": 6.0, "sumSquares": 14.0, "preSum": 3.0, "preSumSquares": 3.0,
                              "preCrossSum": 6.0},
                        "t": {"units": 4, "sum": 10.0, "sumSquares": 30.0, "preSum": 4.0, "preSumSquares": 4.0,
                              "preCrossSum": 10.0},
                        "empty": {"units": 3, "sum": 6.0, "sumSquares": 14.0, "preSum": 3.0,
                                  "preSumSquares": 3.0, "preCrossSum": 6.0},
                        "single": {"units": 3, "sum": 9.0, "sumSquares": 29.0, "preSum": 3.0,
                                   "preSumSquares": 3.0, "preCrossSum": 9.0},
                    },
                },
            ],
        },
    }
)

# Module-level cases -------------------------------------------------------------------------

relative_cases = []
for name, c, t, alpha in [
    ("GrowthBook's relative Welch vector", (3407, 1396.87, 52377.9767), (3461, 2422.7, 134698.29), 0.05),
    ("small unequal arms at alpha 0.1", (12, 30.0, 95.0), (9, 31.5, 130.0), 0.10),
    ("large arms, a tiny effect", (200000, 20100.0, 20100.0), (199000, 20199.0, 20199.0), 0.05),
    ("a decrease", (5000, 52000.0, 700000.0), (5100, 50000.0, 640000.0), 0.01),
]:
    cm = moments_from_sums("mean", {"units": c[0], "sum": c[1], "sumSquares": c[2]})
    tm = moments_from_sums("mean", {"units": t[0], "sum": t[1], "sumSquares": t[2]})
    relative_cases.append({"name": name, "control": cm, "treatment": tm, "alpha": alpha,
                           "expected": relative_lift(cm, tm, alpha)})

bayesian_cases = []
for lift, se, goal in [(0.05, 0.03572, "increase"), (0.02, 0.01, "decrease"), (-0.3, 0.05, "increase"),
                       (0.4, 0.05, "increase"), (0.0, 0.2, "decrease"), (-0.01, 0.002, "decrease")]:
    bayesian_cases.append({"lift": lift, "standardError": se, "goal": goal, "expected": bayesian(lift, se, goal)})

srm_cases = []
for units, shares in [
    ({"blue": 5021, "green": 4979}, {"blue": 50, "green": 50}),
    ({"blue": 5400, "green": 4600}, {"blue": 0.5, "green": 0.5}),
    ({"a": 1001, "b": 2050, "c": 2949}, {"a": 1, "b": 2, "c": 3}),
    ({"a": 330, "b": 340, "c": 310, "d": 20}, {"a": 25, "b": 25, "c": 25, "d": 25}),
    ({"x": 90, "y": 10}, {"x": 90, "y": 10}),
    ({"on": 50000, "off": 50600}, {"on": 1, "off": 1}),
]:
    srm_cases.append({"units": units, "shares": shares, "expected": srm(units, shares)})

correction_cases = []
for ps in [
    [0.01, 0.04, 0.03, 0.005],
    [0.2, 0.01, 0.6, 0.04, 0.04, 0.9],
    [0.001, 0.0012, 0.03, 0.5],
    [1.0, 0.5, 0.5],
    list(np.round(rng.random(12) * 0.2, 6)),
    [0.03],
]:
    ps = [float(p) for p in ps]
    correction_cases.append({"pValues": ps, "holm": holm(ps), "bh": bh(ps)})

# Optional cross-check against statsmodels (not needed to regenerate the file).
try:
    from statsmodels.stats.multitest import multipletests

    for case in correction_cases:
        for method, key in (("holm", "holm"), ("fdr_bh", "bh")):
            ref = multipletests(case["pValues"], method=method)[1]
            assert np.allclose(ref, case[key], rtol=1e-12, atol=1e-15), (method, case)
    STATSMODELS = "checked against statsmodels multipletests"
except ImportError:
    STATSMODELS = "statsmodels not installed: corrections not cross-checked"

sequential_cases = []
for lift, se, n, tuning, alpha in [
    (0.50336, 0.33341, 6461, 1000, 0.05),
    (0.05, 0.02, 8000, 8000, 0.05),
    (0.05, 0.02, 8000, 100000, 0.05),
    (-0.12, 0.03, 2000, 5000, 0.01),
    (0.001, 0.05, 500, 5000, 0.05),
    (0.3, 0.02, 20000, 10000, 0.05),
]:
    sequential_cases.append({"lift": lift, "standardError": se, "n": n, "tuning": tuning, "alpha": alpha,
                             "expected": sequential(lift, se, n, tuning, alpha)})

power_cases = []
for kind, mean, var, mde, alpha, pw in [
    ("binomial", 0.1, 0.1 * 0.9 * 5000 / 4999, 0.05, 0.05, 0.8),
    ("binomial", 0.02, 0.0196, 0.2, 0.05, 0.9),
    ("mean", 40.0, 900.0, 0.03, 0.05, 0.8),
    ("mean", 5.0, 4.0, 0.1, 0.01, 0.8),
    ("ratio", 0.4, 0.09, 0.02, 0.1, 0.8),
    ("mean", 0.0, 1.0, 0.05, 0.05, 0.8),
    ("mean", 3.0, 0.0, 0.05, 0.05, 0.8),
]:
    power_cases.append({"kind": kind, "mean": mean, "variance": var, "mde": mde, "alpha": alpha, "power": pw,
                        "expected": power_units(kind, mean, var, mde, alpha, pw)})

for a in analyses:
    a["expected"] = analyze(a["input"], cuped_units if a.get("units") == "cuped" else None)
    a.pop("units", None)

fixture = {
    "generator": "scripts/stats/generate_expected.py (numpy + scipy.stats; " + STATSMODELS + ")",
    "seed": SEED,
    "defaultSequentialTuning": DEFAULT_SEQUENTIAL_TUNING,
    "moments": moments_cases,
    "relativeLift": relative_cases,
    "bayesian": bayesian_cases,
    "srm": srm_cases,
    "corrections": correction_cases,
    "sequential": sequential_cases,
    "power": power_cases,
    "analyses": analyses,
}


def to_json(value) -> str:
    return json.dumps(value, indent=1, allow_nan=False) + "\n"


text = to_json(fixture)
if "--check" in sys.argv:
    current = OUT.read_text() if OUT.exists() else ""
    print("up to date" if current == text else "differs: run without --check to regenerate")
    sys.exit(0 if current == text else 1)
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(text)
print(f"wrote {OUT.relative_to(ROOT)} ({len(text)} bytes; {STATSMODELS})")
