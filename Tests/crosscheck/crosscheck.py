"""flowrun's models and metrics checked against scikit-learn and Python's xgboost.

Drives the real `flowrun` binary (train + evaluate steps through a workflow) on synthetic feature
tables, then recomputes everything in Python:
  - metrics equal scikit-learn's on the same predictions (1e-9)
  - ridge coefficients equal Ridge(alpha), logistic ones LogisticRegression(solver="liblinear") (1e-6)
  - random forest / gradient boosting accuracy within 1 point of RandomForest / HistGradientBoosting
  - the saved gradient-boosting model, loaded in xgboost, predicts what flowrun predicted
Exit status 1 on any mismatch.
"""
import json, os, subprocess, sys, tempfile
import numpy as np
import xgboost
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn import metrics as M

BIN = sys.argv[1]
failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (f"  ({detail})" if detail else ""))
    if not ok:
        failures.append(name)


def table(path, X, y):
    with open(path, "w") as f:
        f.write("id,label," + ",".join(f"x{i}" for i in range(X.shape[1])) + "\n")
        for i, (row, label) in enumerate(zip(X, y)):
            f.write(f"r{i},{label}," + ",".join(repr(float(v)) for v in row) + "\n")


WORKFLOW = """name: check
version: 1
params:
  model_type: { type: string, default: logistic }
  features: { type: string, default: "" }
  test: { type: string, default: "" }
steps:
  train:
    uses: train
    with: { features: "${{ params.features }}", model_type: "${{ params.model_type }}", seed: 0 }
  evaluate:
    uses: evaluate
    needs: [train]
    with: { model: "${{ steps.train.outputs.model }}", features: "${{ params.test }}" }
"""


def run(work, model_type, train_csv, test_csv):
    cmd = [BIN, "run", "check", "--data", f"{work}/data", "--workflows", f"{work}/workflows",
           "--param", f"model_type={model_type}", "--param", f"features={train_csv}", "--param", f"test={test_csv}"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit(f"flowrun run failed for {model_type}")
    runs = json.loads(subprocess.run([BIN, "runs", "list", "--json", "--limit", "1", "--data", f"{work}/data"],
                                     capture_output=True, text=True, check=True).stdout)
    base = f"{work}/data/runs/{runs[0]['id']}"
    model = json.load(open(f"{base}/train/model.json"))
    report = json.load(open(f"{base}/evaluate/metrics.json"))
    preds = np.genfromtxt(f"{base}/evaluate/predictions.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
    return model, report, preds


def main():
    work = tempfile.mkdtemp(prefix="flowrun-crosscheck-")
    os.makedirs(f"{work}/workflows")
    open(f"{work}/workflows/check.yaml", "w").write(WORKFLOW)
    rng = np.random.default_rng(0)

    # Classification: a noisy nonlinear rule on 10 features.
    n, p = 6000, 10
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3, size=p) + rng.uniform(-2, 2, size=p)
    score = X[:, 0] - 0.8 * X[:, 1] + 0.5 * X[:, 2] * X[:, 3] + np.sin(X[:, 4]) + rng.normal(scale=1.0, size=n)
    y = (score > np.median(score)).astype(int)
    Xtr, Xte, ytr, yte = X[:3000], X[3000:], y[:3000], y[3000:]
    table(f"{work}/train.csv", Xtr, ytr)
    table(f"{work}/test.csv", Xte, yte)
    mean, scale = Xtr.mean(axis=0), Xtr.std(axis=0)

    for model_type in ["logistic", "random_forest", "gradient_boosting"]:
        model, report, preds = run(work, model_type, f"{work}/train.csv", f"{work}/test.csv")
        ours = report["metrics"]
        y_true, y_pred, proba = preds["actual"], preds["predicted"], preds["p_1"]
        expected = {
            "accuracy": M.accuracy_score(y_true, y_pred), "balanced_accuracy": M.balanced_accuracy_score(y_true, y_pred),
            "precision": M.precision_score(y_true, y_pred), "recall": M.recall_score(y_true, y_pred),
            "f1": M.f1_score(y_true, y_pred), "roc_auc": M.roc_auc_score(y_true, proba),
            "log_loss": M.log_loss(y_true, np.column_stack([preds["p_0"], proba])),
        }
        for name, value in expected.items():
            # predictions.csv holds probabilities to 6 decimals: compare probability metrics at that precision.
            tol = 1e-9 if name not in ("log_loss", "roc_auc") else 1e-5
            check(f"{model_type} {name} = scikit-learn", abs(ours[name] - value) <= tol, f"{ours[name]:.12f} vs {value:.12f}")

        if model_type == "logistic":
            # Both solved to a tight tolerance: at the default tol=1e-4 each stops at a different point near the optimum.
            ref = LogisticRegression(solver="liblinear", C=1.0, tol=1e-10).fit((Xtr - mean) / scale, ytr)
            diff = max(np.max(np.abs(np.array(model["coefficients"][0]) - ref.coef_[0])),
                       abs(model["intercepts"][0] - ref.intercept_[0]))
            check("logistic coefficients = LogisticRegression(solver='liblinear')", diff <= 1e-6, f"max diff {diff:.2e}")
        elif model_type == "random_forest":
            ref = RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0).fit(Xtr, ytr)
            theirs = ref.score(Xte, yte)
            check("random_forest accuracy within 1 point of RandomForestClassifier", abs(ours["accuracy"] - theirs) <= 0.01,
                  f"{ours['accuracy']:.4f} vs {theirs:.4f}")
        else:
            ref = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, random_state=0).fit(Xtr, ytr)
            theirs = ref.score(Xte, yte)
            check("gradient_boosting accuracy within 1 point of HistGradientBoostingClassifier",
                  abs(ours["accuracy"] - theirs) <= 0.01, f"{ours['accuracy']:.4f} vs {theirs:.4f}")
            booster = xgboost.Booster()
            booster.load_model(bytearray(model["xgboost_model"], "utf-8"))
            theirs_p = booster.predict(xgboost.DMatrix(Xte.astype(np.float32)))
            diff = float(np.max(np.abs(theirs_p - proba)))
            check("gradient_boosting model loaded in xgboost predicts the same", diff <= 1e-5, f"max diff {diff:.2e}")

    # Regression: ridge against scikit-learn's Ridge on the same standardized data.
    yr = X[:3000] @ rng.normal(size=p) + 3 + rng.normal(scale=0.5, size=3000)
    table(f"{work}/rtrain.csv", Xtr, [repr(float(v)) for v in yr])
    table(f"{work}/rtest.csv", Xte[:500], [repr(float(v)) for v in X[3000:3500] @ np.ones(p)])
    model, report, _ = run(work, "linear", f"{work}/rtrain.csv", f"{work}/rtest.csv")
    ref = Ridge(alpha=1.0).fit((Xtr - mean) / scale, yr)
    diff = max(np.max(np.abs(np.array(model["coefficients"][0]) - ref.coef_)), abs(model["intercepts"][0] - ref.intercept_))
    check("ridge coefficients = Ridge(alpha=1)", diff <= 1e-6, f"max diff {diff:.2e}")
    preds = np.genfromtxt(f"{work}/data/runs/" + json.loads(subprocess.run([BIN, "runs", "list", "--json", "--limit", "1", "--data", f"{work}/data"], capture_output=True, text=True).stdout)[0]["id"] + "/evaluate/predictions.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
    for name, fn in {"mae": M.mean_absolute_error, "r2": M.r2_score, "mape": M.mean_absolute_percentage_error,
                     "rmse": lambda a, b: np.sqrt(M.mean_squared_error(a, b))}.items():
        value = fn(preds["actual"], preds["predicted"])
        check(f"regression {name} = scikit-learn", abs(report["metrics"][name] - value) <= 1e-9 * max(1, abs(value)),
              f"{report['metrics'][name]:.12f} vs {value:.12f}")

    print(f"\n{len(failures)} mismatch(es)")
    return 1 if failures else 0


sys.exit(main())
