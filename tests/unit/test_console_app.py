"""The agent API's app factory: every API route is in the OpenAPI document and every documented path is served."""
import re

import yaml

from bot.console.app import OPENAPI, create_app
from bot.settings import Settings


def test_every_route_is_documented_and_every_documented_path_exists(tmp_path):
    app = create_app(
        Settings.from_env(env={"CONCIERGE_DATA_DIR": str(tmp_path), "WARM_UP": "false"}), name="console_doc_test"
    )
    served = set()
    for route in app.router.routes:
        path = "/" + re.sub(r"<(\w+)(:[^>]*)?>", r"{\1}", route.path).strip("/")
        if not path.startswith("/api/") or path == "/api/{path}":
            continue  # the console's pages, and the catch-all that answers unknown API paths with 404
        for method in route.methods:
            if method not in ("HEAD", "OPTIONS"):
                served.add((path, method.lower()))
    doc = yaml.safe_load(OPENAPI.read_text())
    documented = {(path.rstrip("/"), method) for path, ops in doc["paths"].items() for method in ops
                  if method in ("get", "post", "patch", "put", "delete")}
    assert served == documented
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("summary") and op.get("responses"), (path, method)
