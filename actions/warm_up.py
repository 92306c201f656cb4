"""The action server loads its models and indexes when it starts (WARM_UP), not on the first customer's message.

rasa-sdk looks for a package named `rasa_sdk_plugins` and calls its `init_hooks(manager)` (its plugin hook
`attach_sanic_app_extensions`); the project's one (rasa_sdk_plugins/) hands over to `init_hooks` here. The
warm-up runs on a thread after the server is up: /health answers at once, and a message that arrives meanwhile
is served as before (whatever it needs loads on first use).
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

import pluggy

from bot.services import Services, get_services

hookimpl = pluggy.HookimplMarker("rasa_sdk")
log = logging.getLogger("rasa_sdk.warm_up")  # under rasa-sdk's logger, so the action server's log shows it


class WarmUp:
    def __init__(self, services: Callable[[], Services] = get_services):
        self.services = services
        self.thread: threading.Thread | None = None

    def start(self) -> threading.Thread | None:
        services = self.services()
        if not services.settings.warm_up:
            return None
        def warm() -> None:
            took = services.warm_up(("knowledge", "catalog", "chat_model"))
            log.info("warmed up: %s", ", ".join(f"{part} {ms:.0f} ms" for part, ms in took.items()))

        self.thread = threading.Thread(target=warm, name="warm-up", daemon=True)
        self.thread.start()
        return self.thread

    @hookimpl
    def attach_sanic_app_extensions(self, app) -> None:
        async def warm(_app, _loop=None) -> None:
            self.start()

        app.register_listener(warm, "after_server_start")


def init_hooks(manager: pluggy.PluginManager, services: Callable[[], Services] = get_services) -> WarmUp:
    plugin = WarmUp(services)
    manager.register(plugin)
    return plugin
