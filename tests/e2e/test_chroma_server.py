"""Scale-out: the same indexing and retrieval against a Chroma server (HttpClient), chosen by settings."""
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.cli.processes import free_port
from bot.knowledge.indexer import index_folder
from bot.services import Services
from bot.settings import Settings
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    chroma = Path(sys.executable).parent / "chroma"
    port = free_port()
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("the Chroma server did not start")
            time.sleep(0.3)
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def test_index_and_answer_through_a_chroma_server(chroma_server, tmp_path, kb_services):
    settings = Settings.from_env(env={"CONCIERGE_DATA_DIR": str(tmp_path), "CHROMA_HOST": "127.0.0.1",
                                      "CHROMA_PORT": str(chroma_server), "LLM_BACKEND": "none"},
                                 env_file=Path("/nonexistent"))
    services = Services(settings)
    services.embedder = kb_services.embedder  # the model loaded once for the session
    first = index_folder(KNOWLEDGE / "policies", services.kb_index, services.embedder)
    assert first.added == first.chunks > 40
    assert index_folder(KNOWLEDGE / "policies", services.kb_index, services.embedder).added == 0
    assert not (tmp_path / "chroma").exists()  # nothing was written to the embedded store
    answer = services.answers.answer("how much does express shipping cost within the united states")
    assert answer.found and "19.95" in answer.text and answer.sources[0].source == "shipping.md"
