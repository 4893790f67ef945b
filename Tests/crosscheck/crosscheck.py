"""flowrun's models and metrics checked against scikit-learn and Python's xgboost.

Drives the real `flowrun` binary (train + evaluate steps through a workflow) on shared synthetic
feature tables (binary, 4-class with text labels, regression), then recomputes everything in Python:
  - metrics equal scikit-learn's on the same predictions (1e-12; the issue asks 1e-9, see METRIC_TOL)
  - ridge coefficients equal Ridge(alpha); logistic ones LogisticRegression(solver="liblinear"),
    one-vs-rest for more than two classes (1e-6)
  - random forest / gradient boosting accuracy (R² for regression) within 1 point (0.01) of
    RandomForest* / HistGradientBoosting* with the same hyperparameters on the same split; the
    multiclass forest also with min_samples_leaf 5 and 20 (rows per leaf, as scikit-learn counts them)
  - the saved tree model, loaded in xgboost, predicts what flowrun predicted
  - class_weight balanced, on a 1-in-9 binary label: logistic coefficients equal
    LogisticRegression(class_weight="balanced") (1e-6); boosting's and the forest's (bootstrap off:
    see docs/steps.md) balanced accuracy within 1.5 points of scikit-learn's with class_weight="balanced"
    (the forest: mean of 5 seeds)
  - the metrics at train's out-of-fold F1 threshold equal scikit-learn's on the predictions
    `probability ≥ threshold` (binary cases)
Exit status 1 on any mismatch.

"The same predictions": predictions.csv keeps probabilities to 6 decimals, too coarse for 1e-9 on
log loss and ROC AUC. So the full-precision probabilities are recomputed in Python (scikit-learn's
predict_proba with flowrun's coefficients; xgboost's predict with flowrun's saved model), checked to
round to what predictions.csv says, and the metrics are compared on those.
"""
import base64, copy, json, os, subprocess, sys, tempfile, warnings
import numpy as np
import pandas as pd
import xgboost
from sklearn import metrics as M
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.multiclass import OneVsRestClassifier

BIN = sys.argv[1]
# XGBoost's multiclass probabilities are float32: their sums miss 1 by more than log_loss's check
# (sqrt of float64's epsilon) allows. log_loss warns and uses them as they are, as flowrun does.
warnings.filterwarnings("ignore", message="The y_prob values do not sum to one")
failures = []
# Metrics: the issue asks for 1e-9. Both sides sum the same doubles, so they agree to rounding
# (≤ 1e-14 here); a gap above that is a different definition. One such, a log loss that renormalized
# XGBoost's float32 probabilities, was 5e-10 off: inside 1e-9, caught at 1e-12.
METRIC_TOL = 1e-12


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (f"  ({detail})" if detail else ""))
    if not ok:
        failures.append(name)


def check_close(name, ours, theirs, tol):
    check(name, abs(ours - theirs) <= tol, f"{ours:.12f} vs {theirs:.12f}, diff {abs(ours - theirs):.1e}")


# ---------------------------------------------------------------------------------------- fixtures

def table(path, X, y):
    with open(path, "w") as f:
        f.write("id,label," + ",".join(f"x{i}" for i in range(X.shape[1])) + "\n")
        for i, (row, label) in enumerate(zip(X, y)):
            f.write(f"r{i},{label}," + ",".join(repr(float(v)) for v in row) + "\n")


class Fixture:
    """One train/test split written as flowrun feature tables."""

    def __init__(self, work, name, X, y, n_train):
        self.name = name
        self.Xtr, self.Xte, self.ytr, self.yte = X[:n_train], X[n_train:], y[:n_train], y[n_train:]
        self.train_csv, self.test_csv = f"{work}/{name}-train.csv", f"{work}/{name}-test.csv"
        as_text = (lambda v: repr(float(v))) if y.dtype.kind == "f" else str
        table(self.train_csv, self.Xtr, [as_text(v) for v in self.ytr])
        table(self.test_csv, self.Xte, [as_text(v) for v in self.yte])
        # flowrun's scaler: training mean and population standard deviation.
        self.mean, self.scale = self.Xtr.mean(axis=0), self.Xtr.std(axis=0)

    def standardized(self, X):
        return (X - self.mean) / self.scale


def make_fixtures(work):
    rng = np.random.default_rng(0)
    n, p = 6000, 10
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3, size=p) + rng.uniform(-2, 2, size=p)
    noise = rng.normal(scale=1.0, size=n)
    # Binary: a noisy nonlinear rule on 10 features, labels 0/1.
    score = X[:, 0] - 0.8 * X[:, 1] + 0.5 * X[:, 2] * X[:, 3] + np.sin(X[:, 4]) + noise
    binary = (score > np.median(score)).astype(int)
    # Four text classes, unequal in size (so macro and weighted averages differ), listed in an order
    # that is not the sorted one: flowrun's class order must be scikit-learn's (sorted).
    scores = np.column_stack([
        X[:, 0] - X[:, 1], 0.7 * X[:, 2] + np.sin(2 * X[:, 4]), 0.4 * X[:, 3] * X[:, 5] - 0.5, -X[:, 0] + 0.3 * X[:, 6] - 1.0,
    ]) + rng.normal(scale=1.0, size=(n, 4))
    names = np.array(["ok", "warn", "fail", "drift"])
    multi = names[scores.argmax(axis=1)]
    # Regression: linear plus nonlinear parts plus noise, away from 0 (MAPE divides by the target).
    target = 20 + X @ rng.normal(size=p) + 2 * np.sin(X[:, 4]) + 0.5 * X[:, 2] * X[:, 3] + rng.normal(scale=0.5, size=n)
    # Imbalanced binary: the top ninth of a noisy score is "rare" (the 1-in-9 label).
    rare = np.where(score > np.quantile(score, 8 / 9), "rare", "common")
    return (Fixture(work, "binary", X, binary, 3000), Fixture(work, "multiclass", X, multi, 3000),
            Fixture(work, "regression", X, target, 3000), Fixture(work, "imbalanced", X, rare, 3000))


# ------------------------------------------------------------------------------------------ flowrun

WORKFLOW = """name: check
version: 1
params:
  model_type: { type: string, default: logistic }
  features: { type: string, default: "" }
  test: { type: string, default: "" }
  class_weight: { type: string, default: none }
steps:
  train:
    uses: train
    with: { features: "${{ params.features }}", model_type: "${{ params.model_type }}", class_weight: "${{ params.class_weight }}", seed: 0 }
  evaluate:
    uses: evaluate
    needs: [train]
    with: { model: "${{ steps.train.outputs.model }}", features: "${{ params.test }}" }
"""

# Forests with a leaf size: min_samples_leaf is a forest's parameter (gradient boosting refuses it).
FOREST_WORKFLOW = WORKFLOW.replace("name: check", "name: forest").replace(
    "  test: { type: string, default: \"\" }",
    "  test: { type: string, default: \"\" }\n  min_samples_leaf: { type: number, default: 1 }\n  bootstrap: { type: bool, default: true }").replace(
    "seed: 0 }", "seed: 0, min_samples_leaf: \"${{ params.min_samples_leaf }}\", bootstrap: \"${{ params.bootstrap }}\" }")


def run(work, model_type, fixture, min_samples_leaf=None, class_weight="none", bootstrap=True):
    """Runs train + evaluate; returns the model file, metrics.json and predictions.csv (all text)."""
    workflow = "check" if min_samples_leaf is None else "forest"
    cmd = [BIN, "run", workflow, "--data", f"{work}/data", "--workflows", f"{work}/workflows",
           "--param", f"model_type={model_type}", "--param", f"features={fixture.train_csv}",
           "--param", f"test={fixture.test_csv}", "--param", f"class_weight={class_weight}"]
    if min_samples_leaf is not None:
        cmd += ["--param", f"min_samples_leaf={min_samples_leaf}", "--param", f"bootstrap={str(bootstrap).lower()}"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit(f"flowrun run failed for {model_type} on {fixture.name}")
    runs = json.loads(subprocess.run([BIN, "runs", "list", "--json", "--limit", "1", "--data", f"{work}/data"],
                                     capture_output=True, text=True, check=True).stdout)
    base = f"{work}/data/runs/{runs[0]['id']}"
    model = json.load(open(f"{base}/train/model.json"))
    report = json.load(open(f"{base}/evaluate/metrics.json"))
    # Text as it is: labels such as "NA" or "0" stay labels.
    preds = pd.read_csv(f"{base}/evaluate/predictions.csv", dtype=str, keep_default_na=False)
    return model, report, preds


def csv_probabilities(preds, classes):
    return preds[[f"p_{c}" for c in classes]].to_numpy(dtype=float)


def printed_as_flowrun_prints(proba, preds, classes):
    """How many probabilities print with "%.6f" other than predictions.csv shows them (Swift's
    String(format:) and Python's % both round the double correctly, so the same double prints the same)."""
    text = preds[[f"p_{c}" for c in classes]].to_numpy()
    return sum(f"{v:.6f}" != t for v, t in zip(proba.ravel(), text.ravel()))


def booster(model):
    """The model file keeps XGBoost's own binary format (UBJSON), base64-encoded."""
    b = xgboost.Booster()
    b.load_model(bytearray(base64.b64decode(model["xgboost_ubj"])))
    return b


def xgboost_predict(model, X):
    return booster(model).predict(xgboost.DMatrix(X.astype(np.float32))).astype(np.float64)


# ---------------------------------------------------------------------------------- classification

def liblinear_reference(fixture, classes, class_weight=None):
    # Both solved to a tight tolerance: at the default tol=1e-4 each stops at a different point near the optimum.
    base = LogisticRegression(solver="liblinear", C=1.0, tol=1e-10, class_weight=class_weight)
    # scikit-learn ≥ 1.8 no longer runs liblinear one-vs-rest by itself for 3+ classes: wrap it, as
    # its error message says. Each class's problem is then the one liblinear solves natively.
    ref = base if len(classes) == 2 else OneVsRestClassifier(base)
    ref.fit(fixture.standardized(fixture.Xtr), fixture.ytr)
    return ref


def reference_coefficients(ref):
    if isinstance(ref, OneVsRestClassifier):
        return [(e.coef_[0], e.intercept_[0]) for e in ref.estimators_]
    return [(ref.coef_[0], ref.intercept_[0])]


def with_our_coefficients(ref, model):
    """The scikit-learn estimator with flowrun's coefficients in place of its own."""
    ours = copy.deepcopy(ref)
    estimators = ours.estimators_ if isinstance(ours, OneVsRestClassifier) else [ours]
    for e, w, b in zip(estimators, model["coefficients"], model["intercepts"]):
        e.coef_, e.intercept_ = np.array([w]), np.array([b])
    return ours


def check_logistic(label, model, fixture, classes, class_weight=None):
    ref = liblinear_reference(fixture, classes, class_weight)
    kind = "LogisticRegression(solver='liblinear'" + (f", class_weight={class_weight!r})" if class_weight else ")") + (
        " one-vs-rest" if len(classes) > 2 else "")
    # Labels as text on both sides: flowrun reads them so (and sorts numbers numerically, as numpy does).
    check(f"{label} classes = scikit-learn's classes_", [str(c) for c in ref.classes_] == classes, f"{classes}")
    theirs = reference_coefficients(ref)
    ok_shape = len(theirs) == len(model["coefficients"]) == len(model["intercepts"])
    diff = max(max(np.max(np.abs(np.array(w) - tw)), abs(b - tb))
               for w, b, (tw, tb) in zip(model["coefficients"], model["intercepts"], theirs)) if ok_shape else np.inf
    check(f"{label} coefficients = {kind}", ok_shape and diff <= 1e-6,
          f"{len(theirs)} decision function(s), max diff {diff:.2e}")
    # scikit-learn's predict_proba with our coefficients: the probabilities flowrun's predict computes.
    return with_our_coefficients(ref, model).predict_proba(fixture.standardized(fixture.Xte))


def check_tree_classifier(label, model_type, model, fixture, ours, min_samples_leaf=1, class_weight=None, bootstrap=True):
    weighted = f", class_weight={class_weight!r}" if class_weight else ""
    if model_type == "random_forest":
        name = f"RandomForestClassifier(min_samples_leaf={min_samples_leaf}{weighted}{'' if bootstrap else ', bootstrap=False'})"
        # flowrun's defaults are scikit-learn's: 100 trees, no depth limit, sqrt(features) per split,
        # bootstrap; min_samples_leaf in rows.
        ref = RandomForestClassifier(n_estimators=100, max_depth=None, max_features="sqrt", min_samples_leaf=min_samples_leaf,
                                     class_weight=class_weight, bootstrap=bootstrap, n_jobs=-1, random_state=0)
    else:
        name = f"HistGradientBoostingClassifier({weighted[2:]})"
        ref = hist_gradient_boosting(HistGradientBoostingClassifier).set_params(class_weight=class_weight)
    # Weighted classes are for the rare class: compare balanced accuracy there, within 1.5 points
    # (a forest's balanced accuracy on 330 rare rows moves by about a point with its seed).
    metric, scorer, tol = ("balanced_accuracy", M.balanced_accuracy_score, 0.015) if class_weight else ("accuracy", M.accuracy_score, 0.01)
    if model_type == "random_forest":
        # One forest's accuracy moves with its seed: scikit-learn's own on the 4-class case spans
        # 0.702–0.709 over five seeds at min_samples_leaf 20. The reference is their mean.
        scores = [scorer(fixture.yte, ref.set_params(random_state=seed).fit(fixture.Xtr, fixture.ytr).predict(fixture.Xte))
                  for seed in range(5)]
        theirs = float(np.mean(scores))
        name += f", mean of 5 seeds {min(scores):.4f}–{max(scores):.4f}"
    else:
        theirs = scorer(fixture.yte, ref.fit(fixture.Xtr, fixture.ytr).predict(fixture.Xte))
    check(f"{label} {metric} within {tol * 100:g} point(s) of {name}", abs(ours[metric] - theirs) <= tol,
          f"{ours[metric]:.4f} vs {theirs:.4f}")
    # Python's xgboost on the saved model; binary objectives give P(class 1) only.
    proba = xgboost_predict(model, fixture.Xte)
    return np.column_stack([1 - proba, proba]) if proba.ndim == 1 else proba


def hist_gradient_boosting(cls):
    # flowrun's defaults, which are XGBoost's: 100 rounds at learning rate 0.1, depth ≤ 6 with no
    # limit on leaves, L2 regularization 1 (XGBoost's lambda), min_child_weight 1 (a count of rows
    # for squared error; a sum of hessians for log loss, the nearest HistGradientBoosting has being
    # min_samples_leaf=1). Early stopping on a 10% validation split after 10 rounds without
    # improvement (HistGradientBoosting would turn it off by itself below 10,000 rows).
    return cls(max_iter=100, learning_rate=0.1, max_depth=6, max_leaf_nodes=None, l2_regularization=1.0,
               min_samples_leaf=1, early_stopping=True, validation_fraction=0.1, n_iter_no_change=10, random_state=0)


def expected_classification_metrics(y_true, y_pred, proba, classes, positive):
    """scikit-learn's metrics, named as flowrun's metrics.json names them."""
    expected = {"accuracy": M.accuracy_score(y_true, y_pred), "balanced_accuracy": M.balanced_accuracy_score(y_true, y_pred),
                "log_loss": M.log_loss(y_true, proba, labels=classes)}
    if len(classes) == 2:
        pos = classes.index(positive)
        expected |= {"precision": M.precision_score(y_true, y_pred, pos_label=positive),
                     "recall": M.recall_score(y_true, y_pred, pos_label=positive),
                     "f1": M.f1_score(y_true, y_pred, pos_label=positive),
                     "roc_auc": M.roc_auc_score(np.asarray(y_true) == positive, proba[:, pos])}
    else:
        for average in ("macro", "weighted"):
            expected |= {f"precision_{average}": M.precision_score(y_true, y_pred, labels=classes, average=average),
                         f"recall_{average}": M.recall_score(y_true, y_pred, labels=classes, average=average),
                         f"f1_{average}": M.f1_score(y_true, y_pred, labels=classes, average=average)}
        expected["f1"] = expected["f1_macro"]
        expected["roc_auc"] = M.roc_auc_score(y_true, proba, multi_class="ovr", average="macro", labels=classes)
    return expected


def check_classifier(work, model_type, fixture, min_samples_leaf=None, class_weight=None, bootstrap=True):
    label = f"{fixture.name} {model_type}" + ("" if min_samples_leaf is None else f" min_samples_leaf={min_samples_leaf}") + (
        f" class_weight={class_weight}" if class_weight else "") + ("" if bootstrap else " bootstrap=false")
    model, report, preds = run(work, model_type, fixture, min_samples_leaf, class_weight or "none", bootstrap)
    classes = model["classes"]
    ours = report["metrics"]
    check(f"{label} predictions.csv actual = test labels", list(preds["actual"]) == [str(v) for v in fixture.yte])
    if model_type == "logistic":
        proba = check_logistic(label, model, fixture, classes, class_weight)
    else:
        proba = check_tree_classifier(label, model_type, model, fixture, ours, min_samples_leaf or 1, class_weight, bootstrap)
    diff = float(np.max(np.abs(proba - csv_probabilities(preds, classes))))
    differ = printed_as_flowrun_prints(proba, preds, classes)
    source = "scikit-learn with our coefficients" if model_type == "logistic" else "xgboost loading our model"
    check(f"{label} probabilities: {source} predicts what flowrun predicted", differ == 0,
          f"{proba.size - differ} of {proba.size} print as predictions.csv's 6 decimals; max diff {diff:.1e}")
    predicted = [classes[i] for i in proba.argmax(axis=1)]
    check(f"{label} predicted class = argmax of those probabilities", predicted == list(preds["predicted"]))

    expected = expected_classification_metrics(list(preds["actual"]), list(preds["predicted"]), proba, classes,
                                               report["positive_class"])
    missing = sorted(set(expected) - set(ours))
    check(f"{label} reports every metric scikit-learn computes", not missing, f"missing {missing}" if missing else "")
    for name, value in expected.items():
        if name in ours:
            check_close(f"{label} {name} = scikit-learn", ours[name], value, METRIC_TOL)
    if len(classes) == 2:
        check_threshold(label, report, proba, classes, list(preds["actual"]))


def check_threshold(label, report, proba, classes, y_true):
    """evaluate's metrics at train's F1 threshold: scikit-learn's on `P(positive) ≥ threshold`."""
    block = report.get("threshold")
    check(f"{label} reports the out-of-fold F1 threshold", block is not None)
    if block is None:
        return
    positive, t = block["positive_class"], block["value"]
    pos = classes.index(positive)
    other = classes[1 - pos]
    y_pred = [positive if p >= t else other for p in proba[:, pos]]
    expected = {"accuracy": M.accuracy_score(y_true, y_pred), "precision": M.precision_score(y_true, y_pred, pos_label=positive),
                "recall": M.recall_score(y_true, y_pred, pos_label=positive), "f1": M.f1_score(y_true, y_pred, pos_label=positive)}
    for name, value in expected.items():
        check_close(f"{label} {name} at the threshold {t:.4f} = scikit-learn", report["metrics"][f"{name}_at_threshold"], value, METRIC_TOL)
    print(f"     {label}: test F1 {report['metrics']['f1']:.4f} at 0.5, {expected['f1']:.4f} at {t:.4f}"
          f" (out-of-fold F1 {block['out_of_fold_f1_at_0.5']:.4f} → {block['out_of_fold_f1']:.4f})")


# -------------------------------------------------------------------------------------- regression

def check_regression_metrics(label, report, preds):
    actual, predicted = preds["actual"].astype(float), preds["predicted"].astype(float)
    for name, fn in {"mae": M.mean_absolute_error, "r2": M.r2_score, "mape": M.mean_absolute_percentage_error,
                     "rmse": M.root_mean_squared_error}.items():
        value = fn(actual, predicted)
        check_close(f"{label} {name} = scikit-learn", report["metrics"][name], value, METRIC_TOL * max(1, abs(value)))


def check_regressor(work, model_type, fixture):
    label = f"regression {model_type}"
    model, report, preds = run(work, model_type, fixture)
    # predictions.csv writes regression values in full (shortest round-trip) precision.
    predicted = preds["predicted"].astype(float).to_numpy()
    check(f"{label} predictions.csv actual = test targets", np.array_equal(preds["actual"].astype(float), fixture.yte))
    if model_type == "linear":
        ref = Ridge(alpha=1.0).fit(fixture.standardized(fixture.Xtr), fixture.ytr)
        diff = max(np.max(np.abs(np.array(model["coefficients"][0]) - ref.coef_)), abs(model["intercepts"][0] - ref.intercept_))
        check(f"{label} coefficients = Ridge(alpha=1)", diff <= 1e-6, f"max diff {diff:.2e}")
        # flowrun clips a regression's predictions to the training targets' range.
        theirs = np.clip(ref.predict(fixture.standardized(fixture.Xte)), fixture.ytr.min(), fixture.ytr.max())
        diff = float(np.max(np.abs(theirs - predicted)))
        check(f"{label} predictions = Ridge's, clipped to the training range", diff <= 1e-6, f"max diff {diff:.2e}")
    else:
        if model_type == "random_forest":
            name = "RandomForestRegressor"
            # flowrun's defaults for regression: all features per split.
            ref = RandomForestRegressor(n_estimators=100, max_depth=None, max_features=1.0, min_samples_leaf=1,
                                        n_jobs=-1, random_state=0)
        else:
            name = "HistGradientBoostingRegressor"
            ref = hist_gradient_boosting(HistGradientBoostingRegressor)
        theirs = ref.fit(fixture.Xtr, fixture.ytr).score(fixture.Xte, fixture.yte)
        ours = report["metrics"]["r2"]
        check(f"{label} R² within 0.01 of {name}", abs(ours - theirs) <= 0.01, f"{ours:.4f} vs {theirs:.4f}")
        # Both sides are XGBoost's float32 outputs, widened to double.
        diff = float(np.max(np.abs(np.clip(xgboost_predict(model, fixture.Xte), fixture.ytr.min(), fixture.ytr.max()) - predicted)))
        check(f"{label} model loaded in xgboost predicts the same", diff == 0, f"max diff {diff:.2e}")
    check_regression_metrics(label, report, preds)


def main():
    work = tempfile.mkdtemp(prefix="flowrun-crosscheck-")
    os.makedirs(f"{work}/workflows")
    open(f"{work}/workflows/check.yaml", "w").write(WORKFLOW)
    open(f"{work}/workflows/forest.yaml", "w").write(FOREST_WORKFLOW)
    binary, multiclass, regression, imbalanced = make_fixtures(work)
    for fixture in (binary, multiclass):
        for model_type in ("logistic", "random_forest", "gradient_boosting"):
            check_classifier(work, model_type, fixture)
    for min_samples_leaf in (5, 20):
        check_classifier(work, "random_forest", multiclass, min_samples_leaf)
    for model_type in ("logistic", "gradient_boosting"):
        check_classifier(work, model_type, imbalanced, class_weight="balanced")
    # A balanced forest without bootstrap: with it, scikit-learn's draws with replacement (weights
    # times counts) gain far more balanced accuracy than XGBoost's subsample can (docs/steps.md).
    check_classifier(work, "random_forest", imbalanced, min_samples_leaf=1, class_weight="balanced", bootstrap=False)
    for model_type in ("linear", "random_forest", "gradient_boosting"):
        check_regressor(work, model_type, regression)
    print(f"\n{len(failures)} mismatch(es)")
    return 1 if failures else 0


sys.exit(main())
