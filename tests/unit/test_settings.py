from pathlib import Path

import pytest

from bot.settings import CHANNEL_DEFAULTS, PROJECT_ROOT, Settings

NO_FILE = Path("/nonexistent/.env")


def test_defaults():
    s = Settings.from_env(env={}, env_file=NO_FILE)
    assert s.rasa_port == 5005 and s.action_port == 5055 and s.web_port == 8080
    assert s.store_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'store.db'}"
    assert s.action_endpoint_url == "http://127.0.0.1:5055/webhook"
    assert Path(s.embedding_model, "modules.json").is_file()  # the packaged MiniLM
    assert s.rasa_env() == {"ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
                            "TRACKER_STORE_URL": f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}",
                            "SENTIMENT_MODEL_DIR": str(PROJECT_ROOT / "var" / "models" / "sentiment-en"),
                            "ESCALATION_CONFIG": str(PROJECT_ROOT / "escalation.yml"),
                            **CHANNEL_DEFAULTS}
    assert s.channels["TELEGRAM_ACCESS_TOKEN"] == "" and s.channels["TWILIO_API_URL"] == "https://api.twilio.com"
    assert s.widget_allowed_origins == ("*",)


def test_env_file_and_environment(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("RASA_PORT=6000\nKB_MIN_SCORE=0.5\nCONCIERGE_DATA_DIR=/srv/concierge\n")
    s = Settings.from_env(env={"RASA_PORT": "7000"}, env_file=env_file)
    assert s.rasa_port == 7000  # the environment wins
    assert s.kb_min_score == 0.5
    assert s.chroma_path == Path("/srv/concierge/chroma")
    assert s.rasa_public_url == "http://localhost:7000"


def test_bad_number_is_a_clear_error():
    with pytest.raises(ValueError, match="RASA_PORT='abc' is not a valid int"):
        Settings.from_env(env={"RASA_PORT": "abc"}, env_file=NO_FILE)


def test_number_out_of_range_is_a_clear_error():
    with pytest.raises(ValueError, match="LLM_NICE=25 is not between 0 and 19"):
        Settings.from_env(env={"LLM_NICE": "25"}, env_file=NO_FILE)
    assert Settings.from_env(env={}, env_file=NO_FILE).llm_nice == 10


def test_env_example_documents_every_variable():
    import re

    documented = set(re.findall(r"^([A-Z_]+)=", (PROJECT_ROOT / ".env.example").read_text(), re.M))
    used = set(
        re.findall(r'(?:get|path|number|flag|between)\("([A-Z_]+)"', (PROJECT_ROOT / "bot" / "settings.py").read_text())
    )
    assert used | set(CHANNEL_DEFAULTS) == documented


def test_flags_read_true_and_false_and_reject_anything_else():
    assert Settings.from_env(env={}, env_file=NO_FILE).rec_llm_reasons is False
    assert Settings.from_env(env={"REC_LLM_REASONS": "True"}, env_file=NO_FILE).rec_llm_reasons is True
    with pytest.raises(ValueError, match="REC_LLM_REASONS='maybe' is not true or false"):
        Settings.from_env(env={"REC_LLM_REASONS": "maybe"}, env_file=NO_FILE)
