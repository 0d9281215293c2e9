"""The model fit `stats` shows, kept between runs (an edge of the app layer).

Scoring the parameters in force on the whole history is the slow part of `stats` on a long
history, and its result only changes with the history or the parameters. Each result is kept
in one small JSON file in the cache folder (`fit.json`, safe to delete) under a key of
everything it depends on; only the latest `KEEP` keys are kept. The file is untrusted like
every cache entry: read only when it is a regular file of bounded size, decoded with every
field's type checked, and anything unexpected is a miss.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from refresher.app import kept_file
from refresher.srs.optimize import MODEL_FIT_ITEMS, ModelFit, Score

FILE = "fit.json"
FORMAT = 2
KEEP = 16  # results kept: two keys each, one per bank and for all banks
MAX_BYTES = 64 * 1024


class _Kept(msgspec.Struct, forbid_unknown_fields=True):
    key: str
    reviews: int
    fitted: bool
    score: tuple[float, float, int] | None  # log loss, RMSE, items


class _File(msgspec.Struct, forbid_unknown_fields=True):
    format: int
    fits: list[_Kept]


def key(
    scope: str | None,
    params: tuple[float, ...] | None,
    shift_minutes: int,
    mark: tuple[str, int, int, str],
) -> str:
    parts = (FORMAT, MODEL_FIT_ITEMS, scope, params, shift_minutes, mark)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _load(folder: Path) -> list[_Kept]:
    data = kept_file.read(folder / FILE, MAX_BYTES, _File)
    return data.fits if data is not None and data.format == FORMAT else []


def read(folder: Path, wanted: str) -> ModelFit | None:
    for kept in _load(folder):
        if kept.key == wanted:
            score = None if kept.score is None else Score(*kept.score)
            return ModelFit(score, kept.reviews, kept.fitted)
    return None


def write(folder: Path, keys: tuple[str, ...], fit: ModelFit) -> None:
    """Keep `fit` under each of `keys` (a history's quick mark and its exact one)."""
    s = fit.score
    score = None if s is None else (s.log_loss, s.rmse, s.items)
    fresh = [_Kept(k, fit.reviews, fit.fitted, score) for k in dict.fromkeys(keys)]
    fits = fresh + [k for k in _load(folder) if k.key not in keys][: KEEP - len(fresh)]
    kept_file.write(folder / FILE, _File(FORMAT, fits))
