#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed since the last training.
# The inputs: training data, dialogue, domain, config, the spaCy pipeline's build code and
# patterns, the custom NLU components, the pretrained encoders' pins, and the locked package versions. Rasa's own cache
# fingerprints SpacyNLP by its name alone, so a changed pattern file would not retrain it;
# hashing the inputs here and training with --force closes that gap.
set -euo pipefail
cd "$(dirname "$0")/.."

model_dir=models
model_name=community-safety
model="$model_dir/$model_name.tar.gz"
stamp="$model_dir/$model_name.inputs.sha256"

inputs_hash() {
    {
        # All of nlu/: the story reader's rules (nlu/stories.py) decide what the danger classifier learns from.
        find nlu dialogue -type f \( -name '*.yml' -o -name '*.py' \) -not -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum
        sha256sum config.yml domain.yml requirements.lock requirements-pretrained.lock \
            community_safety/data/places.yml community_safety/languages.py
    } | sha256sum | cut -d' ' -f1
}

wanted="$(inputs_hash)"
# `make reviewed` trains its own candidate on the same inputs and, when it is kept, puts it in place:
# then only the stamp is written here.
if [ "${1:-}" = "--stamp-only" ]; then
    echo "$wanted" > "$stamp"
    exit 0
fi
if [ -f "$model" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    echo "Model $model is up to date (inputs unchanged)."
    exit 0
fi

echo "Training $model (inputs changed or no model yet)..."
mkdir -p "$model_dir"
rm -f "$stamp"
.venv/bin/python -m deploy.rasa_server train --force --config config.yml --domain domain.yml --data nlu/data dialogue \
    --out "$model_dir" --fixed-model-name "$model_name"
echo "$wanted" > "$stamp"
