"""A random forest on ROWS × FEATURES (default 160,000 × 40): flowrun against scikit-learn. Prints JSON.

flowrun (`train` + `evaluate` through a workflow, release build, under /usr/bin/time):
  peak_rss_mb        the run's peak resident memory (the process that runs both steps)
  model_file_mb      the train step's model file
  fit_s              XGBoost's rounds alone (metric fit_seconds)
  around_fit_s       everything else both steps do: reading the table, building the matrix,
                     exporting and saving the model, and the whole evaluate
                     step (reading the model and the test table, predicting, metrics, plots, files)
  around_over_fit    the issue asks under 0.15
The F1 threshold's out-of-fold fits (train's threshold_folds) are turned off: they are five more
fits, not time around one, and scikit-learn's side has none.
scikit-learn: RandomForestClassifier(n_estimators=100, n_jobs=-1) on the same rows, its fit time,
accuracy and the peak memory of a Python process that makes the data and fits (under /usr/bin/time).
"""
import json, os, re, subprocess, sys, tempfile, time
import numpy as np
import pandas as pd

N, P = int(os.environ.get("ROWS", 160_000)), int(os.environ.get("FEATURES", 40))
CLASSES = int(os.environ.get("CLASSES", 2))
# THRESHOLD_FOLDS: train's threshold_folds (0: off, as the time around one fit is measured); SKLEARN=0
# skips scikit-learn's side (repeated flowrun measurements).
THRESHOLD_FOLDS = int(os.environ.get("THRESHOLD_FOLDS", 0))
SKLEARN = os.environ.get("SKLEARN", "1") != "0"
TEST = N // 4


def data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(N + TEST, P))
    score = X[:, :5] @ rng.normal(size=5) + np.sin(X[:, 5] * 2) + X[:, 6] * X[:, 7] + rng.normal(size=N + TEST)
    y = np.digitize(score, np.quantile(score, np.linspace(0, 1, CLASSES + 1)[1:-1]))
    return X, y


SKLEARN_FIT = """
import sys, time, json
sys.path.insert(0, %r)
from forest import data
from sklearn.ensemble import RandomForestClassifier
X, y = data()
start = time.perf_counter()
m = RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0).fit(X[:%d], y[:%d])
fit = time.perf_counter() - start
print(json.dumps({"fit_s": fit, "accuracy": m.score(X[%d:], y[%d:])}))
"""


def peak(cmd, **kw):
    done = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout, int(done.stderr.strip().splitlines()[-1]) / 1024


def main():
    BIN = sys.argv[1]
    work = tempfile.mkdtemp(prefix="flowrun-forest-")
    X, y = data()
    for name, rows in {"train": slice(0, N), "test": slice(N, N + TEST)}.items():
        frame = pd.DataFrame(X[rows], columns=[f"x{i}" for i in range(P)])
        frame.insert(0, "label", y[rows])
        frame.insert(0, "id", np.arange(len(frame)))
        frame.to_csv(f"{work}/{name}.csv", index=False)
    os.makedirs(f"{work}/wf")
    open(f"{work}/wf/forest.yaml", "w").write(f"""name: forest
version: 1
steps:
  train:
    uses: train
    with: {{ features: {work}/train.csv, model_type: random_forest, threshold_folds: {THRESHOLD_FOLDS} }}
  evaluate:
    uses: evaluate
    needs: [train]
    with: {{ model: "${{{{ steps.train.outputs.model }}}}", features: {work}/test.csv }}
""")
    _, rss = peak([BIN, "run", "forest", "--data", f"{work}/data", "--workflows", f"{work}/wf"],
                  env={**os.environ, "FLOWRUN_ALLOWED_ROOTS": work})
    data_dir = f"{work}/data"
    run_id = json.loads(subprocess.run([BIN, "runs", "list", "--json", "--limit", "1", "--data", data_dir],
                                       capture_output=True, text=True, check=True).stdout)[0]["id"]
    detail = json.loads(subprocess.run([BIN, "runs", "show", run_id, "--json", "--data", data_dir],
                                       capture_output=True, text=True, check=True).stdout)
    metric = {(m["step_id"], m["name"]): m["value"] for m in detail["metrics"]}
    log = open(f"{data_dir}/logs/{run_id}/evaluate.1.log").read()
    evaluate_s = float(re.search(r"evaluated in ([0-9.]+) s", log).group(1))
    train = {k: metric[("train", k)] for k in ("read_seconds", "matrix_seconds", "fit_seconds", "export_seconds",
                                               "save_seconds", "step_seconds", "threshold_seconds") if ("train", k) in metric}
    # The threshold's out-of-fold fits are more fits, not time around this one.
    around = train["step_seconds"] - train["fit_seconds"] - train.get("threshold_seconds", 0) + evaluate_s
    model_file = f"{data_dir}/runs/{run_id}/train/" + next(f for f in os.listdir(f"{data_dir}/runs/{run_id}/train") if f.startswith("model"))
    flowrun = {"peak_rss_mb": round(rss), "model_file_mb": round(os.path.getsize(model_file) / 1e6, 1),
               "fit_s": train["fit_seconds"], "around_fit_s": around, "around_over_fit": around / train["fit_seconds"],
               "train_step": train, "evaluate_step_s": evaluate_s, "accuracy": metric[("evaluate", "accuracy")]}
    result = {"rows": N, "features": P, "classes": CLASSES, "threshold_folds": THRESHOLD_FOLDS, "flowrun": flowrun}
    if SKLEARN:
        here = os.path.dirname(os.path.abspath(__file__))
        out, sk_rss = peak([sys.executable, "-c", SKLEARN_FIT % (here, N, N, N, N)])
        result |= {"sklearn": json.loads(out) | {"peak_rss_mb": round(sk_rss)}, "peak_ratio": rss / sk_rss}
    print(json.dumps(result, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
