"""Message sentiment: the numpy MiniLM, the classifier, the Chinese path, and the benchmark's measures."""
from pathlib import Path

import numpy as np
import pytest

from bot.bench.sentiment import macro_f1
from bot.sentiment.minilm import NumpyMiniLM, WordPiece, read_safetensors, write_safetensors
from bot.sentiment.model import SentimentClassifier
from bot.sentiment.train import held_out, read_rows
from bot.settings import Settings

MINILM = Path(Settings.from_env(env={}, env_file=Path("/nonexistent")).embedding_model)
TRICKY = ["my order hasn't arrived and nobody answers my emails", "Héllo, WORLD!!! it's 42€ — café",
          "退货流程是什么？订单10234", "", "naïve résumé: co-operate; e-mail@x.io #10234", "a" * 300]


@pytest.fixture(scope="module")
def numpy_minilm():
    return NumpyMiniLM(MINILM)


def test_numpy_minilm_matches_sentence_transformers(numpy_minilm):
    from bot.knowledge.embeddings import SentenceTransformerEmbedder

    reference = np.array(SentenceTransformerEmbedder(str(MINILM)).embed(TRICKY))
    ours = np.array(numpy_minilm.embed(TRICKY))
    assert ((reference * ours).sum(axis=1) > 0.999).all()


def test_wordpiece_matches_the_reference_tokenizer():
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(str(MINILM), local_files_only=True)
    ours = WordPiece(MINILM / "vocab.txt")
    for text in TRICKY[:-1]:
        assert ours.encode(text) == reference(text)["input_ids"], text


def test_safetensors_round_trip(tmp_path):
    tensors = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.ones(5, dtype=np.float32)}
    write_safetensors(tmp_path / "t.safetensors", tensors)
    back = read_safetensors(tmp_path / "t.safetensors")
    assert set(back) == {"a", "b"} and np.array_equal(back["a"], tensors["a"])


def test_without_a_trained_model_vader_is_used(tmp_path):
    model = SentimentClassifier(tmp_path / "missing")
    s = model.score_one("this is terrible")
    assert (s.label, s.model) == ("negative", "vader") and s.score < 0


def test_chinese_goes_to_snownlp():
    model = SentimentClassifier(None)
    bad, good = model.score(["质量太差了，非常失望，再也不买了", "非常好，物流很快，很满意"])
    assert bad.model == "snownlp" and bad.score < 0 < good.score


@pytest.fixture(scope="module")
def trained():
    settings = Settings.from_env()
    if not (settings.sentiment_model_dir / "head.json").is_file():
        pytest.fail(f"no trained sentiment model in {settings.sentiment_model_dir}: run `make sentiment-model`")
    return SentimentClassifier(settings.sentiment_model_dir)


@pytest.mark.parametrize("text, label", [  # customer-service messages that are not in the training data
    ("my order hasn't arrived and nobody answers my emails", "negative"),
    ("I've been waiting three weeks and still nothing, this is a disgrace", "negative"),
    ("the zip broke the first time I used it", "negative"),
    ("do you ship to Norway?", "neutral"),
    ("can I change the colour on order 10077", "neutral"),
    ("thanks, that sorted it, really helpful", "positive"),
    ("the new boots are brilliant", "positive"),
])
def test_the_trained_model_reads_customer_messages(trained, text, label):
    s = trained.score_one(text)
    assert s.label == label and s.model.startswith("minilm-finetuned"), (text, s)


def test_macro_f1_and_split():
    assert macro_f1(["negative", "neutral", "positive"], ["negative", "neutral", "positive"]) == 1.0
    assert macro_f1(["negative", "negative"], ["positive", "positive"]) == 0.0
    assert held_out("some text") == held_out("some text")


def test_bad_benchmark_files_are_clear_errors(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence,sentiment\nhello,positive\n")
    with pytest.raises(ValueError, match="needs the columns text and label"):
        read_rows(bad)
    bad.write_text("text,label\nhello,happy\n")
    with pytest.raises(ValueError, match=r"bad.csv:2: label 'happy'"):
        read_rows(bad)


def test_training_writes_a_model_the_classifier_reads(tmp_path):
    from bot.sentiment.train import train

    info = train(tmp_path, limit=48)
    assert info["rows"] == 48 and info["trained_on"]["sentiment_cs.csv"] == 147
    s = SentimentClassifier(tmp_path).score_one("where is my parcel?")
    assert s.model == f"minilm-finetuned:{tmp_path.name}" and abs(sum(s.probabilities.values()) - 1) < 1e-5
