#!/usr/bin/env python3
"""Reference values for the bench-stats crate, computed independently with numpy, scipy and
statsmodels (design shared/design/statistics.md §11). Writes oracles.json beside this file.

    pip install numpy scipy statsmodels
    python3 crates/stats/tests/oracles/make_oracles.py

Random inputs are drawn here with fixed seeds and stored in the JSON, so the Rust tests compare
on identical data. Floats are written as strings of their shortest round-trip representation. Nothing here imports or mirrors the Rust code's structure beyond the formulas
the design states.
"""

import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.special as sc
import scipy.stats as st
import statsmodels
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracles.json")


def fl(v):
    """JSON-safe float: None for NaN, strings for infinities."""
    v = float(v)
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def exact(obj):
    """Every float as the string of its shortest round-trip repr, which Rust's `str::parse::<f64>`
    reads back exactly (serde_json's default float parser may be one ulp off)."""
    if isinstance(obj, dict):
        return {k: exact(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [exact(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return repr(float(obj))
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def special():
    out = {}
    xs = [-38.0, -20.0, -8.5, -5.0, -2.0, -1.0, -0.3, 0.0, 1e-8, 0.5, 1.2, 3.0, 7.0, 9.0]
    out["normal_cdf"] = [[x, fl(st.norm.cdf(x))] for x in xs]
    ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.0125, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9,
          0.975, 0.99, 0.999, 1 - 1e-10]
    out["normal_ppf"] = [[p, fl(st.norm.ppf(p))] for p in ps]
    t_cases = []
    for nu in [1.0, 1.5, 2.0, 3.0, 3.9475, 5.0, 10.0, 29.0, 100.0, 1e4, 1e7]:
        for t in [-50.0, -6.0, -2.5, -1.0, -0.1, 0.0, 0.3, 1.7, 2.2, 4.0, 12.0]:
            t_cases.append([t, nu, fl(st.t.cdf(t, nu))])
    out["t_cdf"] = t_cases
    tp = []
    for nu in [1.0, 1.5, 2.0, 3.0, 3.9475, 5.0, 10.0, 29.0, 100.0, 1e4, 1e7]:
        for p in [1e-12, 1e-6, 0.001, 0.025, 0.1, 0.4, 0.6, 0.9, 0.975, 0.995, 1 - 1e-9]:
            tp.append([p, nu, fl(st.t.ppf(p, nu))])
    out["t_ppf"] = tp
    bcases = []
    for a, b in [(0.5, 0.5), (1.0, 1.0), (2.0, 3.0), (0.5, 10.0), (10.0, 0.5), (50.0, 70.0), (990.0, 11.0),
                 (9901.0, 100.0), (5e5, 5e5 + 1), (1.0, 1e6), (2e6, 3e4), (1.5, 2e5)]:
        mean = a / (a + b)
        sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        for z in [-6.0, -3.0, -1.0, 0.0, 0.5, 2.0, 5.0]:
            x = mean + z * sd
            if 0.0 < x < 1.0:
                bcases.append([a, b, x, fl(sc.betainc(a, b, x))])
        for x in [1e-8, 0.01, 0.3, 0.7, 0.99]:
            bcases.append([a, b, x, fl(sc.betainc(a, b, x))])
    out["beta_reg"] = bcases
    out["ln_gamma"] = [[x, fl(sc.gammaln(x))] for x in [0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 171.5, 1e3, 1e6, 1e10]]
    bin_cases = []
    for m, p in [(10, 0.5), (100, 0.9), (368, 0.99), (1000, 0.37), (10000, 0.95), (123457, 0.999),
                 (1000000, 0.5), (5000000, 0.99)]:
        mu, sd = m * p, math.sqrt(m * p * (1 - p))
        for z in [-5.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]:
            k = int(math.floor(mu + z * sd))
            if 0 <= k < m:
                bin_cases.append([k, m, p, fl(st.binom.cdf(k, m, p)), fl(st.binom.sf(k, m, p))])
    out["binom"] = bin_cases
    return out


def oracle1():
    """Order-statistic CI = scipy quantile_test(...).confidence_interval, on x = 1..n (values are
    ranks) for many (n, q, level), and on random data."""
    rank_cases = []
    ns = [1, 2, 3, 5, 6, 10, 35, 36, 50, 71, 72, 100, 367, 368, 369, 500, 1000, 2000, 3687, 3688,
          10000, 54321, 200000]
    qs = [0.01, 0.05, 0.1, 0.25, 0.37, 0.5, 0.63, 0.75, 0.9, 0.95, 0.99, 0.999]
    for n in ns:
        x = np.arange(1, n + 1, dtype=float)
        for q in qs:
            for level in [0.95, 0.90, 0.99]:
                ci = st.quantile_test(x, q=float(np.quantile(x, q)), p=q).confidence_interval(level)
                lo = None if np.isnan(ci.low) else int(ci.low)
                hi = None if np.isnan(ci.high) else int(ci.high)
                rank_cases.append({"n": n, "q": q, "level": level, "low": lo, "high": hi})
    rng = np.random.default_rng(101)
    data_cases = []
    for n, q in [(40, 0.5), (120, 0.9), (400, 0.99), (777, 0.25), (999, 0.95)]:
        x = np.round(rng.lognormal(0.0, 1.0, n), 6)
        ci = st.quantile_test(x, q=1.0, p=q).confidence_interval(0.95)
        data_cases.append({"x": x.tolist(), "q": q, "low": fl(ci.low), "high": fl(ci.high)})
    return {"ranks": rank_cases, "data": data_cases}


def oracle2():
    """n_min by scipy search (smallest m whose 95/90/99 % CI is bounded on both sides), closed
    form, and MLPerf early-stopping minima."""
    rows = []
    for level in [0.95, 0.90, 0.99]:
        alpha = 1 - level
        for q in [0.5, 0.9, 0.95, 0.99, 0.999]:
            closed = math.ceil(math.log(alpha / 2) / math.log(max(q, 1 - q)))
            # scipy search: bounded iff binom(m, q).isf(alpha/2) < m and ppf(alpha/2) >= 1
            m = 1
            while True:
                bd = st.binom(m, q)
                if bd.isf(alpha / 2) < m and bd.ppf(alpha / 2) >= 1:
                    break
                m += 1
            rows.append({"level": level, "q": q, "closed": closed, "search": m})

    def h_min(t, p, c):
        h = 0
        while st.binom.cdf(t, h + t, 1 - p) > 1 - c:
            h += 1
        return h

    mlperf = {"h0_p99_c99": h_min(0, 0.99, 0.99), "h1_p90_c99_plus1": h_min(1, 0.9, 0.99) + 1,
              "h1_p99_c99_plus1": h_min(1, 0.99, 0.99) + 1}
    return {"table": rows, "mlperf": mlperf}


def oracle3():
    rng = np.random.default_rng(303)
    cases = []
    for n in [1, 2, 3, 10, 101, 1000]:
        x = np.sort(rng.lognormal(0.0, 1.5, n))
        qs = [0.0, 0.01, 0.05, 0.25, 0.37, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0]
        cases.append({"x": x.tolist(), "q": qs, "want": [fl(np.quantile(x, q)) for q in qs]})
    return cases


def oracle4():
    """Beta sampler: parameters and a few reference CDF values (scipy.stats.beta) at the mean ± k sd,
    which check the Rust CDF used in its KS test."""
    params = [(1.0, 1.0), (990.0, 11.0), (9901.0, 100.0), (5e5, 5e5 + 1), (1.0, 1e6)]
    out = []
    for a, b in params:
        mean = a / (a + b)
        var = a * b / ((a + b) ** 2 * (a + b + 1))
        pts = [mean + k * math.sqrt(var) for k in (-2.0, -0.5, 0.0, 1.0, 3.0)]
        pts = [x for x in pts if 0 < x < 1]
        out.append({"a": a, "b": b, "mean": mean, "var": var,
                    "cdf": [[x, fl(st.beta(a, b).cdf(x))] for x in pts]})
    return out


def oracle5():
    """Naive bootstrap replicates of np.quantile for n = 3000 lognormal."""
    rng = np.random.default_rng(505)
    n, b = 3000, 4000
    x = np.round(rng.lognormal(0.0, 1.0, n), 9)
    qs = [0.37, 0.5, 0.9, 0.99]
    idx = rng.integers(0, n, (b, n))
    res = x[idx]
    reps = {str(q): np.quantile(res, q, axis=1).tolist() for q in qs}
    return {"x": x.tolist(), "q": qs, "replicates": reps}


def order_ci_log_se(x, q, alpha):
    ci = st.quantile_test(x, q=float(np.quantile(x, q)), p=q).confidence_interval(1 - alpha)
    z = st.norm.ppf(1 - alpha / 2)
    return (math.log(ci.high) - math.log(ci.low)) / (2 * z)


def oracle6():
    """Ratio of percentiles: scipy.stats.bootstrap percentile CI, and the log-scale delta
    cross-check (order-statistic SEs from quantile_test)."""
    rng = np.random.default_rng(606)
    n = 2000
    xa = np.round(rng.lognormal(0.0, 0.8, n), 9)
    xb = np.round(1.1 * rng.lognormal(0.0, 0.8, n), 9)
    cases = []
    for q in [0.5, 0.9, 0.99]:
        def stat(b, a, axis):
            return np.quantile(b, q, axis=axis) / np.quantile(a, q, axis=axis)
        res = st.bootstrap((xb, xa), stat, method="percentile", n_resamples=9999, vectorized=True,
                           rng=np.random.default_rng(6060 + int(q * 1000)))
        ratio = np.quantile(xb, q) / np.quantile(xa, q)
        z = st.norm.ppf(0.975)
        se = math.sqrt(order_ci_log_se(xa, q, 0.05) ** 2 + order_ci_log_se(xb, q, 0.05) ** 2)
        cases.append({"q": q, "ratio": ratio, "scipy_low": res.confidence_interval.low,
                      "scipy_high": res.confidence_interval.high,
                      "delta_low": ratio * math.exp(-z * se), "delta_high": ratio * math.exp(z * se)})
    return {"xa": xa.tolist(), "xb": xb.tolist(), "cases": cases}


def geyer_reference(y, cap_max=5000):
    """Plain numpy Geyer initial monotone sequence estimator (design §4), divisor-n autocovariances."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    c = y - y.mean()
    g0 = np.dot(c, c) / n
    if n < 2 or g0 == 0:
        return 1.0
    cap = min(n // 2, cap_max)
    total, prev, j = 0.0, None, 0
    while 2 * j < cap:
        k1, k2 = 2 * j, 2 * j + 1
        r1 = np.dot(c[: n - k1], c[k1:]) / n / g0
        r2 = np.dot(c[: n - k2], c[k2:]) / n / g0
        g = r1 + r2
        if g <= 0:
            return max(1.0, -1.0 + 2.0 * total)
        if prev is not None:
            g = min(g, prev)
        prev = g
        total += g
        j += 1
    return math.inf


def oracle8():
    """τ̂: the linear-trend indicator (exact, deterministic), stored binary and real sequences."""
    n = 20000
    trend = np.arange(n, dtype=float)
    trend_cases = []
    for q in [0.5, 0.9, 0.99]:
        thr = np.quantile(trend, q)
        tau = geyer_reference((trend <= thr).astype(float))
        trend_cases.append({"q": q, "tau": fl(tau)})
    rng = np.random.default_rng(808)
    m = 20000
    state = np.zeros(m, dtype=int)
    for t in range(1, m):
        u = rng.random()
        state[t] = (1 if u < 0.05 else 0) if state[t - 1] == 0 else (0 if u < 0.2 else 1)
    bits = "".join(str(v) for v in state)
    ar = np.zeros(5000)
    e = rng.normal(size=5000)
    for t in range(1, 5000):
        ar[t] = 0.6 * ar[t - 1] + e[t]
    ar = np.round(ar, 9)
    lat = np.round(rng.lognormal(0, 1, 3000) + np.convolve(rng.exponential(1, 3000), np.ones(5), "same"), 9)
    lat_sorted = np.sort(lat)
    ind = {}
    for q in [0.5, 0.9, 0.95, 0.99]:
        tq = geyer_reference((lat <= np.quantile(lat_sorted, q)).astype(float))
        if q > 0.9:
            tq = max(tq, geyer_reference((lat <= np.quantile(lat_sorted, 0.9)).astype(float)))
        ind[str(q)] = fl(tq)
    # Batch means (Flegal & Jones): b = floor(sqrt(n)) batches of s = floor(n / b).
    bn = len(lat)
    b = int(math.isqrt(bn))
    s = bn // b
    bm = lat[: b * s].reshape(b, s).mean(axis=1)
    tau_bm = max(1.0, s * np.var(bm, ddof=1) / np.var(lat, ddof=1))
    return {"trend": trend_cases, "markov_bits": bits, "markov_tau": geyer_reference(state),
            "ar1": ar.tolist(), "ar1_tau": geyer_reference(ar),
            "latency": lat.tolist(), "latency_tau": ind, "latency_tau_batch_means": tau_bm}


def oracle10():
    cases = []
    rng = np.random.default_rng(1010)
    inputs = [([1.20, 1.25, 1.18], [1.05, 1.02, 1.09])]
    for ra, rb in [(2, 2), (3, 5), (6, 4), (10, 10)]:
        inputs.append((np.round(rng.lognormal(0, 0.1, ra), 6).tolist(),
                       np.round(rng.lognormal(0.05, 0.2, rb), 6).tolist()))
    for a, b in inputs:
        r = st.ttest_ind(np.log(b), np.log(a), equal_var=False)
        ci = r.confidence_interval(0.95)
        cases.append({"a": a, "b": b, "ratio": math.exp(np.mean(np.log(b)) - np.mean(np.log(a))),
                      "low": math.exp(ci.low), "high": math.exp(ci.high), "df": float(r.df),
                      "t": float(r.statistic), "p": float(r.pvalue)})
    # Cochran's Q and I² (plain formulas).
    y = [0.10, 0.16, 0.05, 0.22]
    se = [0.03, 0.04, 0.05, 0.03]
    w = 1 / np.square(se)
    ybar = np.sum(w * y) / np.sum(w)
    qv = float(np.sum(w * np.square(np.array(y) - ybar)))
    cochran = {"y": y, "se": se, "q": qv, "i2": max(0.0, (qv - 3) / qv)}
    return {"welch": cases, "cochran": cochran}


def oracle11():
    ps = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]
    rng = np.random.default_rng(1111)
    lists = [ps, rng.random(7).round(4).tolist(), [0.01, 0.01, 0.04, 0.2, 0.04, 0.0005],
             (rng.random(40) ** 3).tolist()]
    cases = []
    for p in lists:
        bh = st.false_discovery_control(p)
        holm = multipletests(p, alpha=0.05, method="holm")
        bh_sm = multipletests(p, alpha=0.05, method="fdr_bh")
        cases.append({"p": p, "bh": bh.tolist(), "bh_reject": bh_sm[0].tolist(),
                      "holm": holm[1].tolist(), "holm_reject": holm[0].tolist()})
    # p_dir / p_eq for a few (theta, se), normal and t (design §7.3).
    pv = []
    d = 0.05
    for theta, se, df in [(0.15, 0.04, None), (-0.02, 0.01, None), (0.0, 0.03, None), (0.06, 0.02, 3.9475),
                          (-0.3, 0.1, 7.0)]:
        dist = st.norm if df is None else st.t(df)
        p_up = dist.sf((theta - math.log(1 + d)) / se)
        p_dn = dist.sf((math.log(1 - d) - theta) / se)
        p_eq = max(dist.cdf((theta - math.log(1 + d)) / se), dist.cdf((math.log(1 - d) - theta) / se))
        pv.append({"theta": theta, "se": se, "df": df, "p_up": p_up, "p_down": p_dn,
                   "p_dir": min(1.0, 2 * min(p_up, p_dn)), "p_eq": p_eq})
    return {"multiplicity": cases, "p_values": pv}


def oracle12():
    cases = []
    for k, n in [(90, 100), (0, 10), (10, 10), (1, 3), (452, 500), (9990, 10000)]:
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        cases.append({"k": k, "n": n, "tau": 1.0, "low": lo, "high": hi})
    # Effective counts: statsmodels on (k/τ, n/τ) is the same formula with p̂ = k/n.
    for k, n, tau in [(90, 100, 1.5), (452, 500, 2.7)]:
        lo, hi = proportion_confint(k / tau, n / tau, alpha=0.05, method="wilson")
        cases.append({"k": k, "n": n, "tau": tau, "low": lo, "high": hi})
    newc = []
    for k1, n1, k2, n2 in [(90, 100, 80, 100), (5, 50, 9, 60), (300, 310, 290, 305)]:
        lo, hi = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff", alpha=0.05)
        newc.append({"k1": k1, "n1": n1, "k2": k2, "n2": n2, "low": float(lo), "high": float(hi)})
    return {"wilson": cases, "newcombe": newc}


def oracle13():
    rng = np.random.default_rng(1313)
    inputs = [([3, 5, 7, 9], [2, 4, 5, 6, 8]),
              (rng.integers(0, 20, 57).tolist(), rng.integers(0, 25, 43).tolist()),
              (np.round(rng.lognormal(0, 1, 300), 3).tolist(), np.round(rng.lognormal(0.1, 1, 250), 3).tolist())]
    cases = []
    for a, b in inputs:
        u = st.mannwhitneyu(a, b).statistic
        na, nb = len(a), len(b)
        ps = u / (na * nb)
        q1, q2 = ps / (2 - ps), 2 * ps ** 2 / (1 + ps)
        var = (ps * (1 - ps) + (na - 1) * (q1 - ps ** 2) + (nb - 1) * (q2 - ps ** 2)) / (na * nb)
        cases.append({"a": sorted(float(v) for v in a), "b": sorted(float(v) for v in b), "u": float(u),
                      "ps": ps, "cliffs_delta": 2 * ps - 1, "variance": var})
    return cases


def distserve_find_intersection(xs, ys, target):
    """DistServe's rule (evaluation/ae-scripts/e2e/_plot.py): first i where the pass state flips,
    x = (target − y0)(x1 − x0)/(y1 − y0) + x0; returns None where DistServe would warn."""
    for i in range(len(xs) - 1):
        if (ys[i] < target) != (ys[i + 1] < target):
            return (target - ys[i]) * (xs[i + 1] - xs[i]) / (ys[i + 1] - ys[i]) + xs[i]
    return None


def oracle14():
    rates = [1.0, 2.0, 4.0, 8.0]
    cases = []
    for att, want in [([.99, .95, .85, .40], {"kind": "crossing", "rate": 3.0, "bracket": [2.0, 4.0],
                                               "non_monotone": False, "max_passing": 2.0}),
                      ([.99, .98, .97, .96], {"kind": "not_reached", "non_monotone": False, "max_passing": 8.0}),
                      ([.85, .95, .96, .5], {"kind": "below", "non_monotone": True, "max_passing": None}),
                      ([.95, .85, .95, .5], {"kind": "crossing", "rate": 1.5, "bracket": [1.0, 2.0],
                                             "non_monotone": True, "max_passing": 1.0})]:
        want = dict(want)
        if want["kind"] == "crossing":
            want["distserve"] = distserve_find_intersection(rates, att, 0.9)
        cases.append({"rates": rates, "attainment": att, "target": 0.9, "want": want})
    return cases


def steady():
    rng = np.random.default_rng(1616)
    cases = []
    for n, slope, ties in [(50, 0.0, False), (400, 0.002, True), (1000, 0.0, True), (2000, 0.01, False)]:
        launch = np.round(np.cumsum(rng.exponential(0.1, n)), 6)
        ttft = rng.lognormal(-2, 0.5, n) * (1 + slope * np.arange(n))
        ttft = np.round(ttft, 2 if ties else 9)
        finish = np.round(launch + ttft + rng.exponential(1.0, n), 6)
        r = st.spearmanr(launch, ttft)
        t0, t1 = launch.min(), launch.max()
        span = t1 - t0
        w0, w1 = t0 + 0.25 * span, t0 + 0.75 * span
        ratio = np.sum((finish >= w0) & (finish < w1)) / np.sum((launch >= w0) & (launch < w1))
        k = n // 4
        drift = np.median(ttft[-k:]) / np.median(ttft[:k])
        cases.append({"launch": launch.tolist(), "finish": finish.tolist(), "ttft": ttft.tolist(),
                      "rho": float(r.statistic), "p": float(r.pvalue), "completion_ratio": float(ratio),
                      "drift": float(drift), "launch_rate": (n - 1) / span})
    return cases


def means():
    """Mean CI with batch-means τ̂ and the ratio of means (delta method), plain numpy."""
    rng = np.random.default_rng(1717)
    out = []
    for n in [100, 2500]:
        e = rng.normal(size=n)
        a = np.zeros(n)
        for t in range(1, n):
            a[t] = 0.5 * a[t - 1] + e[t]
        xa = np.round(5 + a, 9)
        xb = np.round(rng.lognormal(1.7, 0.3, n), 9)

        def summ(x):
            nn = len(x)
            b = math.isqrt(nn)
            s = nn // b
            bm = x[: b * s].reshape(b, s).mean(axis=1)
            tau = max(1.0, s * np.var(bm, ddof=1) / np.var(x, ddof=1))
            return x.mean(), x.std(ddof=1), tau

        ma, sa, ta = summ(xa)
        mb, sb, tb = summ(xb)
        z = st.norm.ppf(0.975)
        half = z * sa * math.sqrt(ta / n)
        se = math.sqrt(ta * sa ** 2 / (n * ma ** 2) + tb * sb ** 2 / (n * mb ** 2))
        r = mb / ma
        out.append({"a": xa.tolist(), "b": xb.tolist(), "tau_a": ta, "tau_b": tb, "mean_low": ma - half,
                    "mean_high": ma + half, "ratio": r, "ratio_low": r * math.exp(-z * se),
                    "ratio_high": r * math.exp(z * se), "insufficient": bool(n / ta < 30 or n / tb < 30)})
    return out


def main():
    data = {
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__},
        "special": special(),
        "oracle1": oracle1(),
        "oracle2": oracle2(),
        "oracle3": oracle3(),
        "oracle4": oracle4(),
        "oracle5": oracle5(),
        "oracle6": oracle6(),
        "oracle8": oracle8(),
        "oracle10": oracle10(),
        "oracle11": oracle11(),
        "oracle12": oracle12(),
        "oracle13": oracle13(),
        "oracle14": oracle14(),
        "steady": steady(),
        "means": means(),
    }
    with open(OUT, "w") as f:
        json.dump(exact(data), f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
