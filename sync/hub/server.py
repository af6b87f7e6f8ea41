"""Run the hub with uvicorn: in the foreground (CLI) or in a background thread (tests, bench)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

from sync.hub.app import create_app
from sync.hub.config import HubSettings


def listen(host: str, port: int) -> socket.socket:
    """A listening socket with TCP_NODELAY (inherited by accepted sockets).

    Without it a keep-alive answer written in two pieces waits ~40 ms for the client's
    delayed ACK (Nagle), which dominates small requests over 127.0.0.1.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


def _config(app: FastAPI) -> uvicorn.Config:
    return uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_keep_alive=30
    )


def serve(settings: HubSettings, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve until interrupted (Ctrl+C / SIGTERM)."""
    sock = listen(host, port)
    app = create_app(settings)
    print(f"市级平台参考实现已启动：http://{host}:{port}/v1", flush=True)
    try:
        uvicorn.Server(_config(app)).run(sockets=[sock])
    finally:
        sock.close()
        app.state.database.dispose()


class HubThread:
    """A real hub on 127.0.0.1 and a free port, served from a daemon thread."""

    def __init__(self, settings: HubSettings) -> None:
        self.settings = settings
        self.app = create_app(settings)
        self._sock = listen("127.0.0.1", 0)
        self.port = int(self._sock.getsockname()[1])
        self._server = uvicorn.Server(_config(self.app))
        self._thread = threading.Thread(target=self._server.run, args=([self._sock],), daemon=True)

    @property
    def base_url(self) -> str:
        """Where clients reach this hub."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HubThread:
        """Start serving and wait until the socket accepts requests."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("hub did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and the database pool."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
        self.app.state.database.dispose()

    def __enter__(self) -> HubThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
