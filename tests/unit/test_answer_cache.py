import threading

import pytest

from bot.answers.cache import AnswerCache
from bot.answers.gaps import JsonlGapLog
from bot.answers.grounding import GroundingConfig
from bot.answers.service import AnswerService
from bot.knowledge.chroma_index import IndexUnavailable

from tests.unit.test_answers import FakeChatModel, FakeRetriever, passage


class VersionedRetriever(FakeRetriever):
    def __init__(self, passages=(), version="v1"):
        super().__init__(passages)
        self.current = version
        self.version_error = None

    def version(self):
        if self.version_error:
            raise self.version_error
        return self.current


def cached_service(retriever, model=None, gaps=None, size=10):
    return AnswerService(retriever, GroundingConfig(min_score=0.4), chat_model=model, gaps=gaps,
                         cache=AnswerCache(size))


def test_lru_keeps_the_most_recent_entries_and_counts_hits():
    cache = AnswerCache(2)
    cache.put("v", "a", 1)
    cache.put("v", "b", 2)
    assert cache.get("v", "a") == 1  # a is now the most recent
    cache.put("v", "c", 3)
    assert cache.get("v", "b") is None and cache.get("v", "a") == 1 and cache.get("v", "c") == 3
    assert (cache.hits, cache.misses) == (3, 1)


def test_a_new_index_version_drops_everything_kept_before():
    cache = AnswerCache(5)
    cache.put("v1", "a", 1)
    assert cache.get("v2", "a") is None and len(cache) == 0
    cache.put("v2", "a", 2)
    assert cache.get("v2", "a") == 2


def test_size_zero_keeps_nothing_and_a_negative_size_is_refused():
    cache = AnswerCache(0)
    cache.put("v", "a", 1)
    assert cache.get("v", "a") is None
    with pytest.raises(ValueError):
        AnswerCache(-1)


def test_the_cache_is_safe_on_many_threads():
    cache = AnswerCache(50)

    def work(n):
        for i in range(500):
            cache.put("v", (n, i % 70), i)
            cache.get("v", (n, (i * 7) % 70))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 50


def test_a_repeated_question_is_answered_from_the_cache_without_retrieval_or_the_model():
    retriever = VersionedRetriever([passage(0.8)])
    model = FakeChatModel("You can return most items within 30 days of delivery for a full refund.")
    answers = cached_service(retriever, model)
    first = answers.answer("how long can I return items?")
    again = answers.answer("how  long can I return items?")  # the same words
    assert first.found and not first.cached and again.cached
    assert again.text == first.text and again.sources == first.sources
    assert len(retriever.questions) == 1 and len(model.calls) == 1


def test_a_reindex_is_seen_at_once():
    retriever = VersionedRetriever([passage(0.8)])
    answers = cached_service(retriever)
    assert "30 days" in answers.answer("how long can I return items?").text
    retriever.passages = [passage(0.8, "You can return most items within 60 days of delivery.")]
    assert "30 days" in answers.answer("how long can I return items?").text  # same version: kept
    retriever.current = "v2"
    again = answers.answer("how long can I return items?")
    assert "60 days" in again.text and not again.cached


def test_a_follow_up_is_kept_apart_from_the_same_words_asked_fresh():
    retriever = VersionedRetriever([passage(0.8)])
    answers = cached_service(retriever)
    answers.answer("and for socks?", ["how long can I return items?"])
    answers.answer("and for socks?")
    assert retriever.questions[0] != retriever.questions[1]  # two different searches, neither from the cache


def test_a_cached_refusal_is_still_logged_as_a_gap(tmp_path):
    gaps = JsonlGapLog(tmp_path / "gaps.jsonl")
    answers = cached_service(VersionedRetriever([passage(0.2)]), gaps=gaps)
    first, again = answers.answer("do you sell bicycles?"), answers.answer("do you sell bicycles?")
    assert not first.found and again.cached and not again.found
    assert [g.question for g in gaps.read()] == ["do you sell bicycles?"] * 2


def test_an_unreadable_index_is_reported_and_nothing_is_cached():
    retriever = VersionedRetriever([passage(0.8)])
    retriever.version_error = IndexUnavailable("down")
    answers = cached_service(retriever)
    assert answers.answer("how long can I return items?").reason == "knowledge_unavailable"
    assert len(answers.cache) == 0


def test_a_short_extract_is_sent_without_asking_the_model():
    model = FakeChatModel("You can return most items within 30 days of delivery for a full refund.")
    answers = AnswerService(VersionedRetriever([passage(0.8)]), GroundingConfig(min_score=0.4), chat_model=model,
                            phrase_min_chars=250)
    answer = answers.answer("how long can I return items?")
    assert answer.found and not answer.generated and model.calls == []
    answers.phrase_min_chars = 20  # a longer extract than this is phrased
    assert answers.answer("how long can I return items?").generated and len(model.calls) == 1
