"""Rasa component: what a message means as a whole, from a pretrained sentence encoder.

Adds one dense *sentence* feature (384 numbers) for the message text, so that "there's a man
kipping in the doorway and it's freezing" lands near "someone is sleeping rough" although it
shares no word with it. Word and character counts stay in the pipeline beside it.

The encoder is named in config.yml (``encoder: minilm`` or ``e5``, see nlu/pretrained/) with
the path `make weights` links (``weights: ${PRETRAINED_WEIGHTS_PATH}/<name>``). The weights are
checked against their pinned hash when the component is created and when a trained model
loads; a file that differs is refused with a message saying so.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from community_safety.buttons import button_payloads
from nlu.components.story_reader import is_sentence
from nlu.pretrained import encoder_specs
from nlu.pretrained.encoders import ENCODERS, SentenceEncoder, load_encoder
from nlu.pretrained.vector_cache import training_cache


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # read_sentences: false leaves a long message's sentences (nlu/components/story_reader.py) to
        # the other featurizers, for an encoder too dear to run twice on a long message.
        return {**DenseFeaturizer.get_default_config(), "encoder": "minilm", "weights": None, "read_sentences": True}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if config.get("encoder") not in ENCODERS:
            raise InvalidConfigException(
                f"SentenceEmbeddingFeaturizer: 'encoder' must be one of {sorted(ENCODERS)}, "
                f"not {config.get('encoder')!r}."
            )
        if not config.get("weights"):
            raise InvalidConfigException(
                "SentenceEmbeddingFeaturizer: 'weights' must name the encoder's folder or file "
                "(config.yml uses ${PRETRAINED_WEIGHTS_PATH}/<encoder>, set by the Makefile; run Rasa through make)."
            )

    def __init__(self, config: dict[str, Any], name: str, encoder: SentenceEncoder | None = None) -> None:
        super().__init__(name, config)
        self._encoder = encoder or load_encoder(config["encoder"], config["weights"])
        # A button's words ("no", "not sure"), encoded the first time they come and kept: most answers
        # in a report's questions are these, and the encoders are most of a parse's time.
        self._buttons: dict[str, Any] = {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [example for example in training_data.training_examples if example.get(TEXT)]
        name = self._config["encoder"]
        cached = training_cache(self._encoder, name, encoder_specs()[name].sha256)
        self._featurize(examples, cached)
        if cached is not None:
            cached.save()
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        read_sentences = self._config.get("read_sentences", True)
        wanted = [m for m in messages if m.get(TEXT) is not None and (read_sentences or not is_sentence(m))]
        fresh = [m for m in wanted if m.get(TEXT) not in self._buttons]
        encoded = self._encoder.encode([m.get(TEXT) or "" for m in fresh]) if fresh else []
        vectors = dict(zip(map(id, fresh), encoded, strict=True))
        buttons = button_payloads()
        for message in wanted:
            text = message.get(TEXT)
            vector = self._buttons.get(text)
            if vector is None:
                vector = vectors[id(message)]
                if text in buttons:
                    self._buttons[text] = vector
            self._add(message, vector)
        return messages

    def _add(self, message: Message, vector) -> None:
        self.add_features_to_message(sequence=None, sentence=vector[None, :], attribute=TEXT, message=message)

    def _featurize(self, messages: list[Message], encoder: SentenceEncoder | None = None) -> None:
        if not messages:
            return
        vectors = (encoder or self._encoder).encode([message.get(TEXT) or "" for message in messages])
        for message, vector in zip(messages, vectors, strict=False):
            self._add(message, vector)
