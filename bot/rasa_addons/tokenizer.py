"""NLU component: Rasa's whitespace tokenizer, plus Chinese and Japanese text split into single characters.

Chinese is written without spaces, so the whitespace tokenizer turns a whole Chinese sentence into one
token, and the sparse featurizers learn nothing reusable from it. Here every CJK character becomes its own
token (with its offsets, so entities still line up), and runs of other characters inside the same word stay
together: "订单10023在哪" -> 订 / 单 / 10023 / 在 / 哪. English text is tokenized exactly as before.

It also keeps Chinese words that Rasa 3.6's whitespace tokenizer drops: its emoji pattern spans the CJK
blocks, so "你好，我想退货 please" came out as the single token "please"."""
from __future__ import annotations

import re
from typing import List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PIECES = re.compile(f"[{CJK}]|[^{CJK}]+")
HAS_CJK = re.compile(f"[{CJK}]")


def split_cjk(text: str, start: int) -> list[tuple[str, int]]:
    """The pieces of one token and where each starts in the message (CJK characters alone)."""
    if not HAS_CJK.search(text):
        return [(text, start)]
    return [(m.group(), start + m.start()) for m in PIECES.finditer(text)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class CJKWhitespaceTokenizer(WhitespaceTokenizer):
    @staticmethod
    def not_supported_languages() -> Optional[List[Text]]:
        return None

    def remove_emoji(self, text: Text) -> Text:
        return text if HAS_CJK.search(text) else super().remove_emoji(text)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = []
        for token in super().tokenize(message, attribute):
            pieces = split_cjk(token.text, token.start)
            if len(pieces) == 1:
                tokens.append(token)
            else:
                tokens.extend(Token(text, at) for text, at in pieces)
        return tokens
