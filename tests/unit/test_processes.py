"""How the servers are started: the environment each process gets."""
from __future__ import annotations

from bot.cli.processes import action_server_spec, rasa_spec
from bot.settings import Settings


def test_rasa_runs_through_the_project_entry_point_on_one_thread_per_engine():
    settings = Settings.from_env(env={})
    rasa = rasa_spec(settings)
    assert rasa.command[:4] == [str(settings.rasa_bin.parent / "python"), "-m", "bot.rasa_addons.server", "run"]
    assert rasa.env["OMP_NUM_THREADS"] == "1" and rasa.env["OPENBLAS_NUM_THREADS"] == "1"
    assert rasa.env["RASA_TELEMETRY_ENABLED"] == "false"
    assert "OMP_NUM_THREADS" not in action_server_spec(settings).env  # the LLM and torch set their own threads
