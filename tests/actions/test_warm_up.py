import asyncio
from types import SimpleNamespace

import pluggy
from rasa_sdk import plugin

from actions.warm_up import WarmUp, init_hooks


class FakeServices:
    def __init__(self, warm=True):
        self.settings = SimpleNamespace(warm_up=warm)
        self.calls = []

    def warm_up(self, parts):
        self.calls.append(parts)
        return {part: 1.0 for part in parts}


class FakeApp:
    def __init__(self):
        self.listeners = []

    def register_listener(self, fn, event):
        self.listeners.append((event, fn))


def test_rasa_sdk_finds_the_plugin_package_and_the_server_warms_up_after_it_starts():
    plugin.plugin_manager.cache_clear()
    manager = plugin.plugin_manager()  # what the action server calls: imports rasa_sdk_plugins
    assert any(isinstance(p, WarmUp) for p in manager.get_plugins())
    services = FakeServices()
    manager = pluggy.PluginManager("rasa_sdk")
    manager.add_hookspecs(plugin)
    warm = init_hooks(manager, lambda: services)
    app = FakeApp()
    manager.hook.attach_sanic_app_extensions(app=app)
    [(event, listener)] = app.listeners
    assert event == "after_server_start"
    asyncio.run(listener(app))
    warm.thread.join(5)
    assert services.calls == [("knowledge", "catalog", "chat_model")]


def test_no_warm_up_when_it_is_switched_off():
    services = FakeServices(warm=False)
    assert WarmUp(lambda: services).start() is None and services.calls == []
