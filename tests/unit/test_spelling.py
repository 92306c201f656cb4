from bot.knowledge.spelling import Speller, wordpiece_words

GENERAL = ["the", "how", "long", "is", "period", "policy", "began", "what", "your"]


def speller():
    return Speller.from_texts(["You can return most items within 30 days. Refunds take 5 business days.",
                               "Shipping and delivery"], GENERAL)


def test_misspelt_words_become_the_store_words_one_or_two_edits_away():
    assert speller().correct("how long is teh retrun perod") == "how long is the return period"
    assert speller().correct("hw long do refnds take?") == "how long do refunds take?"
    assert speller().correct("shiping and dleivery") == "shipping and delivery"


def test_known_words_numbers_addresses_and_names_are_left_alone():
    s = speller()
    assert s.correct("Are your products vegan?") == "Are your products vegan?"  # not "began": a real word
    assert s.correct("order 10234, jo.smith@example.com, iPhone") == "order 10234, jo.smith@example.com, iPhone"
    assert s.correct("whats ur polcy") == "what's your policy"


def test_the_embedding_models_vocabulary_gives_whole_lower_case_words(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[PAD]\n[CLS]\nthe\n##ing\n,\nreturn\nParis\na\n", encoding="utf-8")
    assert wordpiece_words(vocab) == ["the", "return"]


def test_names_are_not_corrected():
    assert speller().correct("is Walmart open? Retrun it") == "is Walmart open? Return it"
