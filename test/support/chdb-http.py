"""Current ClickHouse (chDB, the in-process ClickHouse from PyPI) behind ClickHouse's HTTP interface.

Lets the project's real code (migrations, sink, review app) run unchanged against today's ClickHouse
as well as against Debian's 18.16, so every schema and query is proven on both. Speaks the part of
the HTTP interface @clickhouse/client uses: GET /ping; POST / with the statement in the `query`
parameter and/or the body (an INSERT's data follows its FORMAT clause), chunked bodies, `database`,
errors as HTTP 500 with ClickHouse's own `Code: N. DB::Exception: ...` text. One chDB session,
one statement at a time. Test support only: loopback, no authentication.

Usage: python chdb-http.py DATA_DIR [PORT]  (prints "listening PORT VERSION" once ready; stops on stdin EOF).
"""

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from chdb import session as chdb_session

SESSION = chdb_session.Session(sys.argv[1])
LOCK = threading.Lock()
VERSION = SESSION.query("SELECT version()", "TabSeparated").bytes().decode().strip()


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().strip().split(b";")[0], 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the tests read results, not access logs
        pass

    def reply(self, status: int, body: bytes, content_type="text/plain; charset=UTF-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-ClickHouse-Server-Display-Name", "chdb")
        self.send_header("X-ClickHouse-Summary", '{"read_rows":"0","written_rows":"0"}')
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path in ("/ping", "/"):
            if "query" not in parse_qs(url.query):
                self.reply(200, b"Ok.\n")
                return
        self.run(url, b"")

    def do_POST(self):
        self.run(urlparse(self.path), read_body(self))

    def run(self, url, body: bytes):
        params = parse_qs(url.query)
        statement = params.get("query", [""])[0]
        # An INSERT's data follows its statement as sent: stripping it would cut a row's trailing empty
        # TabSeparated field. A statement that comes alone in the body may be trimmed.
        data = body.decode("utf-8")
        text = statement.strip() + "\n" + data if statement.strip() else data.strip()
        database = params.get("database", [None])[0]
        try:
            with LOCK:
                if database:
                    SESSION.query(f"USE `{database}`")
                result = SESSION.query(text, "TabSeparated")
            self.reply(200, result.bytes())
        except Exception as err:  # chDB raises ClickHouse's own message: pass it on as the server would
            self.reply(500, (str(err).strip() + "\n").encode("utf-8"))


def main():
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"listening {server.server_address[1]} {VERSION}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the parent closes stdin (or dies) to stop us
    server.shutdown()


if __name__ == "__main__":
    main()
