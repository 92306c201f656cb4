from bot.answers.service import MAX_QUESTION_CHARS, AnswerService, is_answerable, trim_to_sentences
from bot.knowledge.retriever import Passage


def passage(score, text="Returns are free within 30 days. Socks cannot be returned.", section="Return window"):
    return Passage(text=text, title="Returns and refunds", section=section,
                   url="https://shop.test/returns", source="returns.md", score=score)


class FakeRetriever:
    def __init__(self, passages):
        self.passages = passages
        self.questions = []

    def retrieve(self, question, k):
        self.questions.append(question)
        return self.passages[:k]


def test_answer_quotes_the_best_passage_and_cites_it():
    answer = AnswerService(FakeRetriever([passage(0.8), passage(0.5, "Other.")]), min_score=0.35).answer(
        "can I return socks?")
    assert answer.found
    assert answer.text.startswith("Returns are free within 30 days.")
    assert "Source: [Returns and refunds › Return window](https://shop.test/returns)" in answer.text
    assert answer.payload() == {"sources": [{"title": "Returns and refunds", "section": "Return window",
                                             "url": "https://shop.test/returns"}]}


def test_below_the_threshold_the_assistant_does_not_answer():
    answer = AnswerService(FakeRetriever([passage(0.2)]), min_score=0.35).answer("weather?")
    assert not answer.found and answer.text == "" and answer.score == 0.2


def test_empty_and_huge_questions():
    retriever = FakeRetriever([passage(0.9)])
    service = AnswerService(retriever, min_score=0.35)
    assert not service.answer("").found
    assert not service.answer(None).found
    assert not service.answer("   ").found
    assert service.answer("x" * 20000).found
    assert len(retriever.questions[-1]) == MAX_QUESTION_CHARS


def test_relevance_gate():
    assert is_answerable([passage(0.35)], 0.35)
    assert not is_answerable([passage(0.349)], 0.35)
    assert not is_answerable([], 0.0)


def test_trim_to_sentences():
    text = "One two. Three four five. Six."
    assert trim_to_sentences(text, 100) == text
    assert trim_to_sentences(text, 20) == "One two."
    assert trim_to_sentences("a" * 50 + " " + "b" * 50, 60).endswith("…")
