"""A webhook receiver that checks every delivery with the official Standard Webhooks library
(PyPI `standardwebhooks`), for the tests.

It listens on 127.0.0.1 on a free port and prints {"port": N} as its first line. Then:
- POST /secret: adds the request body (a whsec_ secret) to the secrets deliveries are checked
  with; a delivery passes when one of them verifies it (two during a rotation).
- POST to any other path: a delivery. It is verified from its raw bytes and headers; the same
  bytes with one character changed must fail verification (tampering is caught). Verified:
  204. Not verified: 400 with the library's reason (a stale timestamp ends here).
- GET /log: every delivery so far as JSON: path, webhook-id, webhook-timestamp, the event
  type and data, whether it verified (and why not), and whether the tampered copy was refused.

interop/py/api_integration.py runs the same handler in its own process."""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SECRETS: list = []
LOG: list = []
LOCK = threading.Lock()


def verify(body: bytes, headers: dict):
    """The payload if one secret verifies it, else raises the last verification error."""
    error = WebhookVerificationError("no secret configured")
    for secret in list(SECRETS):
        try:
            return Webhook(secret).verify(body, headers)
        except WebhookVerificationError as e:
            error = e
    raise error


def tampered(body: bytes) -> bytes:
    """The body with its first digit or letter changed: same length, other bytes."""
    data = bytearray(body)
    for i, c in enumerate(data):
        if chr(c).isalnum():
            data[i] = ord("1") if chr(c) != "1" else ord("2")
            break
    return bytes(data)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # quiet: the test reads /log
        pass

    def answer(self, status: int, text: str = "") -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path != "/log":
            return self.answer(404)
        with LOCK:
            body = json.dumps(LOG)
        self.answer(200, body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path == "/secret":
            SECRETS.append(body.decode().strip())
            return self.answer(204)
        headers = {k: v for k, v in self.headers.items()}
        record = {
            "path": self.path,
            "id": self.headers.get("webhook-id"),
            "timestamp": self.headers.get("webhook-timestamp"),
            "signatures": len((self.headers.get("webhook-signature") or "").split()),
        }
        try:
            payload = verify(body, headers)
            record.update(verified=True, type=payload.get("type"), data=payload.get("data"), error=None)
        except WebhookVerificationError as e:
            record.update(verified=False, type=None, error=str(e))
        try:
            verify(tampered(body), headers)
            record["tampered_rejected"] = False
        except WebhookVerificationError:
            record["tampered_rejected"] = True
        with LOCK:
            LOG.append(record)
        if record["verified"]:
            self.answer(204)
        else:
            self.answer(400, record["error"])


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
