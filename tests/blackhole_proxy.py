"""A TCP proxy on 127.0.0.1 in front of the real database, which can be told to accept but never answer.

While it is "silent" it still accepts connections and its kernel still acknowledges what is sent, but
nothing is passed on either way: to the bot it looks exactly like a database host that has hung. Connections
made before keep their bytes waiting, and pass them on once it forwards again.
"""
from __future__ import annotations

import select
import socket
import threading


class BlackholeProxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._forwarding = threading.Event()
        self._forwarding.set()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="blackhole-proxy", daemon=True).start()

    def go_silent(self) -> None:
        self._forwarding.clear()

    def forward(self) -> None:
        self._forwarding.set()

    def drop_connections(self) -> None:
        """Cut every connection made so far, as a database restart does; new ones are forwarded as before."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass

    def close(self) -> None:
        self._closed.set()
        self._forwarding.set()
        self._listener.close()
        self.drop_connections()

    def _track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
        return sock

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._pipe, args=(self._track(client),), daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        self._forwarding.wait()  # accepted, but not a byte goes anywhere until the proxy forwards again
        if self._closed.is_set():
            return
        try:
            server = self._track(socket.create_connection(self.upstream, timeout=5))
        except OSError:
            client.close()
            return
        peers = {client: server, server: client}
        try:
            while not self._closed.is_set():
                if not self._forwarding.wait(0.05):
                    continue  # silent: leave the bytes where they are
                readable, _, _ = select.select(list(peers), [], [], 0.05)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):  # ValueError: select() on a socket the proxy closed under it (fd -1)
            return
        finally:
            client.close()
            server.close()
