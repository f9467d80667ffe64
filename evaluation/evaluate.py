"""`make eval`: how well the model understands residents, in figures.

    python -m evaluation.evaluate [--only heldout|cross-validation|baseline] [--folds 5]

- held-out: the trained model (models/community-safety.tar.gz) on evaluation/heldout.yml,
  messages written apart from the training data;
- cross-validation: 5 stratified folds over nlu/data with the project's config, folds and
  DIET both seeded, so two runs give the same figures;
- baseline: Rasa's default pipeline trained on the same data, scored on the same held-out set.

Prints per-intent precision / recall / F1, the most confused pairs, emergency recall and
false alarms; writes everything under results/.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "results"
MODEL = PROJECT / "models" / "community-safety.tar.gz"
HELDOUT = PROJECT / "evaluation" / "heldout.yml"
SEED = 2026

# Rasa 3.6's default NLU pipeline (what `rasa init` writes when the pipeline is left out).
BASELINE_CONFIG = """\
recipe: default.v1
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 100
    constrain_similarities: true
    random_seed: 2026
  - name: EntitySynonymMapper
  - name: ResponseSelector
    epochs: 100
    constrain_similarities: true
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1
policies: []
"""


def load_examples(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [(example.get("text"), example.get("intent")) for example in load_data(str(path)).intent_examples]


def predict(model: Path | str, examples: list[tuple[str, str]]) -> list[dict]:
    """Parse every text with the model in-process, as the running bot would."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    try:
        return [
            {"text": text, "intent": intent,
             "intent_prediction": loop.run_until_complete(agent.parse_message(text))["intent"]}
            for text, intent in examples
        ]
    finally:
        loop.close()


def summarise_predictions(results: list[dict], out: Path) -> dict:
    """Score predictions as Rasa does, and write Rasa's report files into `out`."""
    from sklearn.metrics import classification_report

    truth = [r["intent"] for r in results]
    predicted = [r["intent_prediction"]["name"] or "None" for r in results]
    # Averages over the intents residents meant; "nlu_fallback" answers count as misses.
    report = classification_report(truth, predicted, labels=sorted(set(truth)), output_dict=True, zero_division=0)
    report["accuracy"] = sum(t == p for t, p in zip(truth, predicted)) / len(truth)
    errors = [r for r, t, p in zip(results, truth, predicted) if t != p]
    (out / "intent_report.json").write_text(json.dumps(report, indent=2))
    (out / "intent_errors.json").write_text(json.dumps(errors, indent=2))
    return summarise(out)


def summarise(out: Path) -> dict:
    report = json.loads((out / "intent_report.json").read_text())
    errors_file = out / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v and k not in ("macro avg", "weighted avg", "micro avg")}
    confused = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    non_emergency = sum(v["support"] for k, v in intents.items() if k != "emergency")
    false_alarms = [e["text"] for e in errors if e["intent_prediction"]["name"] == "emergency"]
    missed = [e["text"] for e in errors if e["intent"] == "emergency"]
    return {
        "accuracy": report.get("accuracy", report.get("micro avg", {}).get("f1-score")),
        "macro_f1": report["macro avg"]["f1-score"],
        "emergency_recall": intents.get("emergency", {}).get("recall"),
        "emergency_false_alarms": len(false_alarms),
        "non_emergency_messages": non_emergency,
        "false_alarm_texts": false_alarms,
        "missed_emergencies": missed,
        "per_intent": intents,
        "confused_pairs": [{"intent": a, "predicted": b, "count": n} for (a, b), n in confused.most_common(8)],
    }


def print_summary(title: str, summary: dict) -> None:
    print(f"\n== {title} ==")
    print(f"{'intent':<20}{'precision':>10}{'recall':>8}{'f1':>8}{'n':>5}")
    for name, scores in sorted(summary["per_intent"].items()):
        print(f"{name:<20}{scores['precision']:>10.3f}{scores['recall']:>8.3f}{scores['f1-score']:>8.3f}{scores['support']:>5}")
    print(f"accuracy {summary['accuracy']:.3f}   macro-F1 {summary['macro_f1']:.3f}")
    print(f"emergency recall {summary['emergency_recall']:.3f}   "
          f"false alarms {summary['emergency_false_alarms']} in {summary['non_emergency_messages']} non-emergency messages")
    if summary["missed_emergencies"]:
        print("MISSED EMERGENCIES:", *summary["missed_emergencies"], sep="\n  ")
    if summary["false_alarm_texts"]:
        print("false alarms:", *summary["false_alarm_texts"], sep="\n  ")
    print("most confused (true -> predicted):")
    for pair in summary["confused_pairs"]:
        print(f"  {pair['intent']} -> {pair['predicted']}: {pair['count']}")


def heldout() -> dict:
    if not MODEL.exists():
        sys.exit(f"No model at {MODEL}: run `make train` first.")
    out = RESULTS / "heldout"
    out.mkdir(parents=True, exist_ok=True)
    return summarise_predictions(predict(MODEL, load_examples(HELDOUT)), out)


def cross_validation(folds: int, seed: int = SEED) -> dict:
    """Stratified k-fold with a fixed seed (Rasa's own CLI shuffles folds without one)."""
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    out = RESULTS / "crossval"
    out.mkdir(parents=True, exist_ok=True)
    examples = load_data(str(PROJECT / "nlu" / "data")).intent_examples
    labels = [example.get("intent") for example in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    results = []
    for fold, (train_index, test_index) in enumerate(splitter.split(examples, labels)):
        fold_dir = out / f"fold-{fold + 1}"
        fold_dir.mkdir(exist_ok=True)
        train_file = fold_dir / "train.yml"
        RasaYAMLWriter().dump(train_file, TrainingData(training_examples=[examples[i] for i in train_index]))
        model = train_nlu(str(PROJECT / "config.yml"), str(train_file), str(fold_dir), fixed_model_name="model")
        results += predict(model, [(examples[i].get("text"), labels[i]) for i in test_index])
        print(f"fold {fold + 1}/{folds} done", flush=True)
    return summarise_predictions(results, out)


def baseline() -> dict:
    from rasa.model_training import train_nlu

    out = RESULTS / "baseline"
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yml").write_text(BASELINE_CONFIG)
    model = train_nlu(str(out / "config.yml"), str(PROJECT / "nlu" / "data"), str(out), fixed_model_name="default-pipeline")
    return summarise_predictions(predict(model, load_examples(HELDOUT)), out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["heldout", "cross-validation", "baseline"])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    steps = {
        "heldout": ("Held-out test set (trained model, evaluation/heldout.yml)", heldout),
        "cross-validation": (f"{args.folds}-fold cross-validation on nlu/data", lambda: cross_validation(args.folds)),
        "baseline": ("Rasa's default pipeline, same data, same held-out set", baseline),
    }
    chosen = [args.only] if args.only else list(steps)
    summaries = {}
    for key in chosen:
        title, run = steps[key]
        started = time.monotonic()
        summaries[key] = run()
        summaries[key]["seconds"] = round(time.monotonic() - started, 1)
        print_summary(title, summaries[key])
    if "heldout" in summaries and "baseline" in summaries:
        ours, theirs = summaries["heldout"], summaries["baseline"]
        print("\n== Project pipeline vs Rasa default (held-out) ==")
        for key in ("accuracy", "macro_f1", "emergency_recall"):
            print(f"{key:<18} ours {ours[key]:.3f}   default {theirs[key]:.3f}")
        print(f"{'false alarms':<18} ours {ours['emergency_false_alarms']}       default {theirs['emergency_false_alarms']}")
    (RESULTS / "summary.json").write_text(json.dumps(summaries, indent=2))
    print(f"\nWritten to {RESULTS}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
