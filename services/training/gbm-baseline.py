"""Gradient-boosted baseline for `precursor-risk evaluate --baseline` (services/training/baseline.ts).

Reads DIR/meta.json and the row-major float32 / uint8 matrices beside it (the project's feature vectors,
labels and the model's own train/validation split); writes DIR/test_scores.f64 (one probability per test
row) and DIR/result.json. Guarantees: trains only on the training rows, stops early on the validation rows'
average precision, never sees the test labels; deterministic for a given seed (one thread).
"""

import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np


def main(directory: str) -> None:
    d = Path(directory)
    meta = json.loads((d / "meta.json").read_text())
    dim = meta["features"]
    x = np.fromfile(d / "train_x.f32", dtype=np.float32).reshape(-1, dim)
    y = np.fromfile(d / "train_y.u8", dtype=np.uint8)
    valid = np.fromfile(d / "valid.u8", dtype=np.uint8).astype(bool)
    test = np.fromfile(d / "test_x.f32", dtype=np.float32).reshape(-1, dim)
    params = {
        "objective": "binary",
        "learning_rate": 0.05,
        "num_leaves": 31,
        "min_child_samples": 20,
        "feature_fraction": 0.9,
        "bagging_fraction": 0.9,
        "bagging_freq": 1,
        "metric": "average_precision",
        "seed": meta["seed"],
        "deterministic": True,
        "num_threads": 1,
        "verbosity": -1,
        **meta.get("params", {}),
    }
    started = time.perf_counter()
    train = lgb.Dataset(x[~valid], label=y[~valid])
    held = lgb.Dataset(x[valid], label=y[valid], reference=train)
    booster = lgb.train(
        params,
        train,
        num_boost_round=meta.get("rounds", 2000),
        valid_sets=[held],
        callbacks=[lgb.early_stopping(meta.get("patience", 100), verbose=False)],
    )
    train_seconds = time.perf_counter() - started
    scores = booster.predict(test, num_iteration=booster.best_iteration).astype(np.float64)
    scores.tofile(d / "test_scores.f64")
    (d / "result.json").write_text(
        json.dumps(
            {
                "library": f"lightgbm {lgb.__version__}",
                "bestIteration": booster.best_iteration,
                "validationAveragePrecision": booster.best_score["valid_0"]["average_precision"],
                "trainSeconds": round(train_seconds, 3),
                "trainRows": int((~valid).sum()),
                "validationRows": int(valid.sum()),
                "params": params,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
