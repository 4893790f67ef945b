"""Side-by-side timings: flowrun vs pandas / polars / scikit-learn / LightGBM on the same data.

Usage: bench/compare (creates the venv, builds flowrun in release, runs this). Prints JSON.
  csv:      CSV → numeric columns, `flowrun bench csv` vs pandas.read_csv (C engine) vs polars
  pipeline: the exam pipeline (clean, per-exam features, split, gradient boosting, metrics) —
            `flowrun run exam-pipeline` vs the same steps in pandas + scikit-learn
  models:   random forest / gradient boosting, 100 trees, 200,000 × 40 — fit time and accuracy
"""
import json, os, subprocess, sys, tempfile, time
import numpy as np
import pandas as pd

BIN, DATA = sys.argv[1], sys.argv[2]
out = {}


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


# --- CSV -------------------------------------------------------------------------------------
ours = json.loads(subprocess.run([BIN, "bench", "csv", DATA], capture_output=True, text=True, check=True).stdout)
pandas_s, frame = timed(lambda: pd.read_csv(DATA, engine="c", na_values=["NA", "n/a", "null", "NaN"]))
csv = {"rows": ours["rows"], "flowrun_s": ours["seconds"], "pandas_s": pandas_s, "ratio_pandas_over_flowrun": pandas_s / ours["seconds"]}
try:
    import polars as pl
    polars_s, _ = timed(lambda: pl.read_csv(DATA, infer_schema_length=10000, ignore_errors=True))
    csv.update(polars_s=polars_s, ratio_polars_over_flowrun=polars_s / ours["seconds"])
except ImportError:
    pass
out["csv"] = csv

# --- the exam pipeline -------------------------------------------------------------------------
work = tempfile.mkdtemp(prefix="flowrun-compare-")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
start = time.perf_counter()
# /usr/bin/time measures flowrun's own peak: a child forked from this Python process starts out
# sharing Python's memory, so its rusage (RUSAGE_CHILDREN, wait4) reports this process's size.
done = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, "run", "exam-pipeline", "--dataset", DATA,
                       "--param", "model_type=gradient_boosting", "--data", work, "--workflows", f"{root}/workflows"],
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                      env={**os.environ, "FLOWRUN_ALLOWED_ROOTS": os.path.dirname(DATA)})
flowrun_s = time.perf_counter() - start
if done.returncode != 0:
    raise SystemExit("flowrun run exam-pipeline failed:\n" + done.stderr)
flowrun_rss = int(done.stderr.strip().splitlines()[-1]) / 1024
run_id = json.loads(subprocess.run([BIN, "runs", "list", "--json", "--limit", "1", "--data", work], capture_output=True, text=True).stdout)[0]["id"]
flowrun_acc = json.load(open(f"{work}/runs/{run_id}/evaluate/metrics.json"))["metrics"]["accuracy"]


def pandas_pipeline():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import train_test_split
    df = pd.read_csv(DATA, na_values=["NA", "n/a", "null", "NaN"])
    channels = ["temperature", "pressure", "vibration", "current"]
    for c in channels:
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df = df.drop_duplicates()
    df["t"] = pd.to_datetime(df["timestamp"], format="ISO8601").astype("int64") / 1e9
    df = df.sort_values(["exam_id", "t"]).drop_duplicates(["exam_id", "t"])
    df[channels] = df.groupby("exam_id")[channels].transform(lambda s: s.interpolate(limit_direction="both"))
    g = df.groupby("exam_id")
    feats = g[channels].agg(["mean", "std", "min", "max", "last"])
    feats.columns = ["_".join(c) for c in feats.columns]
    def slope(x):
        t = x["t"] - x["t"].iloc[0]
        return pd.Series({c: np.polyfit(t, x[c], 1)[0] if len(x) > 1 else 0.0 for c in channels})
    feats = feats.join(g.apply(slope).add_suffix("_slope"))
    # Non-overlapping windows of 50 samples (window = step = 50, as the workflow's defaults).
    df["block"] = g.cumcount() // 50
    roll = df.groupby(["exam_id", "block"])[channels].agg(["mean", "std"])
    wins = roll.groupby(level=0).agg(["max", "min", "mean"])
    wins.columns = ["_".join(c) for c in wins.columns]
    feats = feats.join(wins)
    labels = g["label"].first()
    Xtr, Xte, ytr, yte = train_test_split(feats, labels, test_size=0.25, stratify=labels, random_state=42)
    model = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1).fit(Xtr, ytr)
    return model.score(Xte, yte)


python_s, python_acc = timed(pandas_pipeline)
raw_float_mb = ours["rows"] * 4 * 8 / 1e6
out["pipeline"] = {"rows": ours["rows"], "flowrun_s": flowrun_s, "pandas_sklearn_s": python_s,
                   "speedup": python_s / flowrun_s, "flowrun_accuracy": flowrun_acc, "pandas_sklearn_accuracy": python_acc,
                   "flowrun_peak_rss_mb": flowrun_rss, "raw_float_data_mb": raw_float_mb}

# --- models, 200,000 × 40 -----------------------------------------------------------------------
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
rng = np.random.default_rng(1)
n, p = 200_000, 40
X = rng.normal(size=(n + 50_000, p))
y = ((X[:, :5] @ rng.normal(size=5) + np.sin(X[:, 5] * 2) + X[:, 6] * X[:, 7] + rng.normal(size=n + 50_000)) > 0).astype(int)
Xtr, Xte, ytr, yte = X[:n], X[n:], y[:n], y[n:]
for name, (a, b) in {"train": (Xtr, ytr), "test": (Xte, yte)}.items():
    pd.DataFrame(a, columns=[f"x{i}" for i in range(p)]).assign(id=np.arange(len(b)), label=b)[
        ["id", "label"] + [f"x{i}" for i in range(p)]].to_csv(f"{work}/{name}.csv", index=False)
wf = f"{work}/wf"
os.makedirs(wf, exist_ok=True)
open(f"{wf}/m.yaml", "w").write("""name: m
version: 1
params:
  model_type: { type: string, default: random_forest }
steps:
  train:
    uses: train
    with: { features: %s, model_type: "${{ params.model_type }}", early_stopping: false }
  evaluate:
    uses: evaluate
    needs: [train]
    with: { model: "${{ steps.train.outputs.model }}", features: %s }
""" % (f"{work}/train.csv", f"{work}/test.csv"))
models = {}
for model_type in ["random_forest", "gradient_boosting"]:
    subprocess.run([BIN, "run", "m", "--param", f"model_type={model_type}", "--data", f"{work}/m-{model_type}", "--workflows", wf],
                   capture_output=True, text=True, check=True)
    rid = json.loads(subprocess.run([BIN, "runs", "list", "--json", "--limit", "1", "--data", f"{work}/m-{model_type}"], capture_output=True, text=True).stdout)[0]["id"]
    detail = json.loads(subprocess.run([BIN, "runs", "show", rid, "--json", "--data", f"{work}/m-{model_type}"], capture_output=True, text=True).stdout)
    metric = {(m["step_id"], m["name"]): m["value"] for m in detail["metrics"]}
    models[model_type] = {"flowrun_fit_s": metric[("train", "train_seconds")], "flowrun_accuracy": metric[("evaluate", "accuracy")]}
s, m = timed(lambda: RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0).fit(Xtr, ytr))
models["random_forest"].update(sklearn_fit_s=s, sklearn_accuracy=m.score(Xte, yte))
s, m = timed(lambda: HistGradientBoostingClassifier(max_iter=100, early_stopping=False).fit(Xtr, ytr))
models["gradient_boosting"].update(sklearn_fit_s=s, sklearn_accuracy=m.score(Xte, yte))
# XGBoost itself from Python, with the parameters flowrun passes: what the binding adds is the difference.
import xgboost
def xgb_fit():
    dtrain = xgboost.DMatrix(Xtr.astype(np.float32), label=ytr)
    params = {"tree_method": "hist", "nthread": os.cpu_count(), "objective": "binary:logistic", "eta": 0.1,
              "max_depth": 6, "min_child_weight": 1, "seed": 42, "verbosity": 0}
    return xgboost.train(params, dtrain, num_boost_round=100)
s, booster = timed(xgb_fit)
acc = float(((booster.predict(xgboost.DMatrix(Xte.astype(np.float32))) > 0.5) == yte).mean())
models["gradient_boosting"].update(xgboost_python_fit_s=s, xgboost_python_accuracy=acc)
try:
    import lightgbm
    s, m = timed(lambda: lightgbm.LGBMClassifier(n_estimators=100, verbose=-1).fit(Xtr, ytr))
    models["gradient_boosting"].update(lightgbm_fit_s=s, lightgbm_accuracy=m.score(Xte, yte))
except ImportError:
    pass
out["models_200k_x_40"] = models
print(json.dumps(out, indent=2, sort_keys=True))
