"""Logistic regression for the acceptance model's weights: non-negative, ridge-penalised,
by Newton's method on small dense matrices, and the intercept shift that re-centres it."""

from __future__ import annotations

import numpy as np


def non_negative(xs: np.ndarray, ys: np.ndarray, *, ridge: float) -> np.ndarray:
    """Logistic weights, none below zero (the intercept is free).

    A history that says "noted more often" must never raise the outlook, or the reasons would
    contradict their own counts; features the fit would weigh negatively (they overlap with
    others) are dropped and the rest refitted, until every weight is positive or zero.
    """
    active = list(range(1, xs.shape[1]))
    while True:
        columns = [0, *active]
        fitted = newton(xs[:, columns], ys, ridge=ridge)
        negative = {c for c, b in zip(active, fitted[1:], strict=True) if b < 0}
        if not negative:
            beta = np.zeros(xs.shape[1])
            beta[columns] = fitted
            return beta
        active = [c for c in active if c not in negative]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def recentre(xs: np.ndarray, ys: np.ndarray, beta: np.ndarray) -> float:
    """The intercept shift that makes the mean prediction on these rows equal their rate."""
    margins = (xs * beta).sum(axis=1)
    target = float(ys.sum())
    lo, hi = -3.0, 3.0
    for _ in range(40):
        mid = (lo + hi) / 2
        if float(sigmoid(margins + mid).sum()) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def newton(xs: np.ndarray, ys: np.ndarray, *, ridge: float, steps: int = 8) -> np.ndarray:
    """Ridge logistic regression by Newton's method (the intercept, column 0, unpenalised).

    Plain element-wise numpy, not matrix products: these matrices are small, and a threaded BLAS
    on a busy machine can spend a second per product waiting for its threads.
    """
    d = xs.shape[1]
    beta = np.zeros(d)
    penalty = np.full(d, ridge)
    penalty[0] = 0.0
    for _ in range(steps):
        p = sigmoid((xs * beta).sum(axis=1))
        grad = ((ys - p)[:, None] * xs).sum(axis=0) - penalty * beta
        hess = np.einsum("i,ij,ik->jk", p * (1 - p), xs, xs) + np.diag(penalty)
        hess[np.diag_indices(d)] += 1e-9
        step = np.linalg.solve(hess, grad)
        beta += step
        if float(np.abs(step).max()) < 1e-6:
            break
    return beta
