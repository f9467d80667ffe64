"""`make reviewed`: teach the bot the messages caseworkers agreed on, and keep what it learnt only
if no held-out set got worse.

1. The agreed messages (the staff site's "Messages to review"), with those exported before, are
   deduplicated and split: most become training examples, a steady share (the same message always
   on the same side) a held-out set of residents' own words (community_safety/review/export.py).
2. The model in use is scored on every held-out set, the new one included.
3. A candidate model is trained with the examples and scored the same way.
4. The candidate, ``nlu/data/reviewed.yml`` and ``evaluation/residents_own_words.yml`` are put in
   place only when no set got worse: accuracy not lower, no more false 999s, two doors reached not
   lower, and emergency recall never lower. Otherwise nothing in use changes, the sets that got worse
   are named, and the candidate's files stay under results/reviewed/ for a look.

Needs the records database the staff site uses (DATABASE_URL, as `make run`) and a trained model.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from community_safety.records.database import session_scope
from community_safety.review.export import (
    HELD_OUT_HEADER,
    HELD_OUT_SHARE,
    Example,
    Exported,
    agreed_examples,
    nlu_document,
    read_examples,
    split,
)
from evaluation import evaluate

PROJECT = evaluate.PROJECT
REVIEWED_DATA = PROJECT / "nlu" / "data" / "reviewed.yml"
OWN_WORDS = evaluate.OWN_WORDS
WORK = evaluate.RESULTS / "reviewed"
# Below this much, a figure is the same: the sets' shares are read to three places.
SAME = 1e-9


def known_texts(nlu_data: Path = PROJECT / "nlu" / "data", reviewed: Path = REVIEWED_DATA) -> list[str]:
    """Every text in the training data (but the reviewed examples themselves) and in the held-out
    sets (but the residents' own words): an exported example must be none of them."""
    import yaml
    from rasa.shared.nlu.training_data.loading import load_data

    texts = []
    for path in sorted(nlu_data.rglob("*.yml")):
        if path.resolve() != reviewed.resolve():
            texts += [example.get("text") for example in load_data(str(path)).intent_examples]
    for path in evaluate.SETS.values():
        if path.resolve() != OWN_WORDS.resolve():
            texts += [text for text, _ in evaluate.load_examples(path)]
    for path in evaluate.TWO_NEED_SETS.values():
        texts += [message["text"] for message in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]]
    return texts


def gather(reviewed: Path = REVIEWED_DATA, own_words: Path = OWN_WORDS) -> list[Example]:
    """The examples exported before, then the agreed messages in the queue (a later answer wins)."""
    before = [example for path in (reviewed, own_words) if path.exists() for example in read_examples(path.read_text())]
    with session_scope() as db:
        return before + agreed_examples(db)


def write_candidate(exported: Exported, folder: Path) -> tuple[Path, Path | None]:
    folder.mkdir(parents=True, exist_ok=True)
    training = folder / REVIEWED_DATA.name
    training.write_text(nlu_document(exported.training), encoding="utf-8")
    held = folder / OWN_WORDS.name
    if exported.held_out:
        held.write_text(nlu_document(exported.held_out, HELD_OUT_HEADER), encoding="utf-8")
        return training, held
    held.unlink(missing_ok=True)
    return training, None


def worse(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """What got worse from ``before`` to ``after``, set by set, in words; empty when nothing did."""
    found = []
    for name, was in before.items():
        now = after.get(name)
        if now is None:
            found.append(f"{name}: not scored after")
            continue
        if "two_doors_reached" in was:
            if now["two_doors_reached"] < was["two_doors_reached"] - SAME:
                found.append(
                    f"{name}: two doors reached {was['two_doors_reached']:.3f} -> {now['two_doors_reached']:.3f}"
                )
            continue
        if was.get("emergency_recall") is not None and (now.get("emergency_recall") or 0) < was["emergency_recall"]:
            found.append(
                f"{name}: emergency recall {was['emergency_recall']:.3f} -> {now['emergency_recall'] or 0:.3f}"
            )
        if now["accuracy"] < was["accuracy"] - SAME:
            found.append(f"{name}: accuracy {was['accuracy']:.3f} -> {now['accuracy']:.3f}")
        if now["emergency_false_alarms"] > was["emergency_false_alarms"]:
            found.append(f"{name}: false 999s {was['emergency_false_alarms']} -> {now['emergency_false_alarms']}")
    return found


def train_candidate(training: Path, out: Path) -> Path:
    """The model trained as `make train` trains it, with the candidate examples in place of the
    reviewed ones in use."""
    in_use = REVIEWED_DATA.resolve()
    data = [str(path) for path in sorted((PROJECT / "nlu" / "data").iterdir()) if path.resolve() != in_use]
    command = [sys.executable, "-m", "deploy.rasa_server", "train", "--force", "--config", "config.yml",
               "--domain", "domain.yml", "--data", *data, str(training), "dialogue",
               "--out", str(out), "--fixed-model-name", "candidate"]  # fmt: skip
    subprocess.run(command, cwd=PROJECT, check=True)
    return out / "candidate.tar.gz"


def put_in_place(
    training: Path,
    held: Path | None,
    model: Path,
    reviewed: Path = REVIEWED_DATA,
    own_words: Path = OWN_WORDS,
    in_use: Path = evaluate.MODEL,
    stamp: bool = True,
) -> None:
    shutil.copyfile(training, reviewed)
    if held is not None:
        shutil.copyfile(held, own_words)
    # Copied beside it, then renamed over it: a stack starting meanwhile never reads half a model.
    arriving = in_use.with_suffix(".arriving")
    shutil.copyfile(model, arriving)
    arriving.replace(in_use)
    if stamp:
        # The model now in place was trained on exactly these inputs: `make run` need not train again.
        subprocess.run([str(PROJECT / "scripts" / "train-if-stale.sh"), "--stamp-only"], cwd=PROJECT, check=True)


def _shown(summary: dict | None) -> str:
    if summary is None:
        return "-"
    if "two_doors_reached" in summary:
        return f"two doors {summary['two_doors_reached']:.3f}"
    return f"{summary['accuracy']:.3f} ({summary['emergency_false_alarms']} 999s)"


def print_figures(before: dict[str, dict], after: dict[str, dict]) -> None:
    print(f"\n{'set':<22}{'before':>18}{'after':>18}")
    for name in after:
        print(f"{name:<22}{_shown(before.get(name)):>18}{_shown(after.get(name)):>18}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--held-out-share", type=float, default=HELD_OUT_SHARE)
    parser.add_argument("--dry-run", action="store_true", help="write the candidate files only: no training")
    args = parser.parse_args()
    if not evaluate.MODEL.exists():
        sys.exit(f"No model at {evaluate.MODEL}: run `make train` first.")
    exported = split(gather(), known_texts(), share=args.held_out_share)
    training, held = write_candidate(exported, WORK / "candidate")
    print(
        f"Agreed messages: {len(exported.training)} for training, {len(exported.held_out)} held out "
        f"(residents' own words); {exported.duplicates} duplicates kept once, {exported.conflicting} given "
        f"different answers left out, {exported.known} already in the training data or a held-out set, "
        f"{exported.not_a_need} not a need (not used)."
    )
    current_training = REVIEWED_DATA.read_text(encoding="utf-8") if REVIEWED_DATA.exists() else None
    current_held = OWN_WORDS.read_text(encoding="utf-8") if OWN_WORDS.exists() else None
    unchanged = training.read_text(encoding="utf-8") == (current_training or nlu_document([])) and (
        (held.read_text(encoding="utf-8") if held else None) == current_held
    )
    if unchanged:
        print("Nothing new since the last `make reviewed`: the model in use stays.")
        return 0
    if args.dry_run:
        print(f"Candidate files written to {training.parent}/ (dry run: nothing trained or changed).")
        return 0
    evaluate.quiet_rasa()
    sets = {name: path for name, path in evaluate.SETS.items() if name != "residents_own_words"}
    if held is not None:
        sets["residents_own_words"] = held
    before = evaluate.score_sets(evaluate.MODEL, WORK / "before", sets)
    model = train_candidate(training, WORK)
    after = evaluate.score_sets(model, WORK / "after", sets)
    print_figures(before, after)
    problems = worse(before, after)
    if problems:
        print("\nNot used: with these examples some sets got worse.", *problems, sep="\n  ")
        print(f"The candidate model and files are in {WORK}/; the model in use is unchanged.")
        return 1
    put_in_place(training, held, model)
    print(f"\nNo set got worse: the new model is in use, with {REVIEWED_DATA.relative_to(PROJECT)} "
          f"and {OWN_WORDS.relative_to(PROJECT)}. Restart the stack (`make run`) to load it.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
