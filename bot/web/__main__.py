import argparse

from bot.settings import Settings
from bot.web.app import create_app


def main() -> None:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description="Serve the Concierge chat page.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=settings.web_port)
    args = parser.parse_args()
    create_app(settings).run(host=args.host, port=args.port, single_process=True, access_log=False,
                             motd=False)


main()
