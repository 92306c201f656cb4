from pathlib import Path

from bot.services import Services
from bot.settings import Settings


def test_warm_up_loads_the_answer_path_and_logs_no_gap(kb_services):
    kept = len(kb_services.answers.cache)  # the fixture is shared: other tests' answers may be kept
    took = kb_services.warm_up(("knowledge", "chat_model"))
    assert set(took) == {"knowledge", "chat_model"} and took["knowledge"] > 0
    assert "_lexical" not in vars(kb_services.retriever) and kb_services.retriever._bm25 is not None
    assert not kb_services.settings.knowledge_gaps_path.exists() or \
        "return an item" not in kb_services.settings.knowledge_gaps_path.read_text()
    assert len(kb_services.answers.cache) == kept  # a warm-up answer is not a customer's question


def test_a_part_that_cannot_load_is_reported_not_raised(tmp_path, caplog):
    settings = Settings.from_env(env={"CONCIERGE_DATA_DIR": str(tmp_path), "CHROMA_HOST": "127.0.0.1",
                                      "CHROMA_PORT": "9", "LLM_BACKEND": "none"}, env_file=Path("/nonexistent"))
    took = Services(settings).warm_up(("catalog",))
    assert "catalog" in took and "warm-up of catalog failed" in caplog.text


def test_the_store_vocabulary_comes_from_the_knowledge_folder(tmp_path):
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "products.json").write_text("[]")
    settings = Settings.from_env(env={"KNOWLEDGE_DIR": str(tmp_path)}, env_file=Path("/nonexistent"))
    assert Services(settings).grounding.synonyms == {}  # no file: no vocabulary, nothing breaks
    (tmp_path / "synonyms.yml").write_text("amex: [American Express]\nswap: [exchange]\n")
    vocabulary = Services(settings).grounding.synonyms
    assert set(vocabulary) == {"amex", "swap"} and vocabulary["amex"][0].text == "American Express"
    assert "package" in Services().grounding.synonyms  # the demo store's own (knowledge/synonyms.yml)
