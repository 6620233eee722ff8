#!/usr/bin/env python3
"""A whole integration through Accolade's REST API with plain `requests`, as another system
would do it: create an achievement, issue 1,000 badges from a CSV file, poll the import until
it is done, receive the webhooks (each checked with the Standard Webhooks package), revoke one award, find it in the revoked list and in the
organization's revocation status list, and verify a credential with the Digital Bazaar
verifier (interop/verify.mjs), which also checks its status.

Usage: api_integration.py --api http://127.0.0.1:PORT/api/v1 --token acc_… \
           --host-map accolade.test=127.0.0.1:PORT [--rows 1000] [--node node]

Prints one JSON object per step; exits 0 when every step holds.
"""

import argparse
import base64
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.dirname(HERE)


def step(name, **facts):
    print(json.dumps({"step": name, **facts}), flush=True)


def fail(message):
    print(json.dumps({"error": message}), flush=True)
    sys.exit(1)


def expect(cond, message):
    if not cond:
        fail(message)


class Api:
    def __init__(self, base, token):
        self.base = base.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["Accept"] = "application/json"

    def url(self, path):
        # `next` links and `Location` headers are absolute paths on the server.
        if path.startswith("/api/v1"):
            path = path[len("/api/v1"):]
        return self.base + path

    def get(self, path, **kw):
        return self.session.get(self.url(path), timeout=30, **kw)

    def post(self, path, **kw):
        headers = kw.pop("headers", {})
        # Every creating POST carries an Idempotency-Key, so a retry cannot issue twice.
        headers.setdefault("Idempotency-Key", str(uuid.uuid4()))
        return self.session.post(self.url(path), headers=headers, timeout=60, **kw)

    def pages(self, path):
        while path:
            r = self.get(path)
            expect(r.status_code == 200, f"GET {path}: {r.status_code} {r.text}")
            body = r.json()
            yield from body["data"]
            path = body["next"]


def map_url(url, host_map):
    """The plain-HTTP address of a public URL on a mapped host."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    addr = host_map.get(host)
    expect(addr is not None, f"{url}: host not mapped")
    return f"http://{addr}/{path}"


def status_bit(list_credential, index):
    """The bit at `index` of a Bitstring Status List credential (multibase base64url of
    the GZIP-compressed bitstring; bit 0 is the most significant bit of byte 0)."""
    encoded = list_credential["credentialSubject"]["encodedList"]
    expect(encoded.startswith("u"), "the status list is not base64url multibase")
    raw = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return (bits[index // 8] >> (7 - index % 8)) & 1


def verify(node, credential, host_map_arg):
    """Digital Bazaar's verifier, with the status check: (verified, output)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(credential, f)
        path = f.name
    out = subprocess.run(
        [node, os.path.join(INTEROP, "verify.mjs"), "--json", "--check-status",
         "--host-map", host_map_arg, path],
        capture_output=True, text=True, timeout=120,
    )
    os.unlink(path)
    return out.returncode == 0, out.stdout + out.stderr


class Receiver:
    """The client system's webhook receiver, on a free loopback port: every delivery is
    checked from its raw bytes with the official Standard Webhooks package (webhook_receiver.py,
    which also checks that a tampered copy is refused)."""

    def __init__(self):
        sys.path.insert(0, HERE)
        import threading
        from http.server import ThreadingHTTPServer
        import webhook_receiver
        self.module = webhook_receiver
        class Server(ThreadingHTTPServer):
            # The sender sends up to 32 at once: a backlog of 5 (the default) would refuse
            # connections, and those deliveries would wait for their retry.
            request_queue_size = 256
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), webhook_receiver.Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def trust(self, secret):
        self.module.SECRETS.append(secret)

    def log(self):
        with self.module.LOCK:
            return list(self.module.LOG)

    def wait_for(self, what, count, seconds=120):
        """The deliveries of event type `what` once `count` have come."""
        deadline = time.monotonic() + seconds
        while True:
            got = [d for d in self.log() if d.get("type") == what]
            if len(got) >= count:
                return got
            log = self.log()
            refused = [d for d in log if not d["verified"]]
            expect(time.monotonic() < deadline,
                   f"{len(got)} of {count} {what} webhooks came ({len(log)} deliveries in all, "
                   f"{len(refused)} not verified: {refused[:3]})")
            time.sleep(0.2)


def register_webhook(api, receiver):
    """The endpoint for the events this integration listens to; its secret is trusted."""
    r = api.post("/webhooks", json={
        "url": receiver.url,
        "description": "API integration",
        "events": ["award.issued", "import.completed", "award.revoked"],
    })
    expect(r.status_code == 201, f"add webhook: {r.status_code} {r.text}")
    body = r.json()
    expect(body["secret"].startswith("whsec_"), "the endpoint's secret")
    receiver.trust(body["secret"])
    step("webhook", id=body["id"], url=receiver.url)
    return body["id"]


def check_deliveries(deliveries, what):
    """Each verified by the official package, each tampered copy refused, each id once."""
    for d in deliveries:
        expect(d["verified"], f"{what}: a delivery failed verification: {d}")
        expect(d["tampered_rejected"], f"{what}: a tampered copy verified: {d}")
    ids = [d["id"] for d in deliveries]
    expect(len(set(ids)) == len(ids), f"{what}: a webhook-id came twice")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--api", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--host-map", required=True)
    p.add_argument("--rows", type=int, default=1000)
    p.add_argument("--node", default="node")
    args = p.parse_args()
    host, addr = args.host_map.split("=", 1)
    host_map = {host: addr}
    api = Api(args.api, args.token)
    started = time.monotonic()

    # 1. An achievement.
    r = api.post("/achievements", json={
        "name": "API integration badge",
        "description": "Issued through the REST API by a script.",
        "criteria_narrative": "Take part in the integration test.",
        "tags": ["integration"],
    })
    expect(r.status_code == 201, f"create achievement: {r.status_code} {r.text}")
    achievement = r.json()
    etag = r.headers.get("ETag")
    expect(etag == f'"{achievement["version"]}"', f"ETag {etag!r}")
    step("achievement", id=achievement["id"], etag=etag)

    # 2. A webhook endpoint of our own, then 1,000 badges by CSV.
    receiver = Receiver()
    register_webhook(api, receiver)
    lines = ["email,name"] + [f"learner{i:04}@example.org,Learner {i}" for i in range(args.rows)]
    r = api.post(f"/imports?achievement={achievement['id']}",
                 data="\n".join(lines).encode(), headers={"Content-Type": "text/csv"})
    expect(r.status_code == 202, f"CSV import: {r.status_code} {r.text}")
    location = r.headers["Location"]
    step("import", location=location, state=r.json()["state"])

    # 3. Poll the import until it is done.
    deadline = time.monotonic() + 120
    while True:
        job = api.get(location).json()
        if job["state"] == "done":
            break
        expect(time.monotonic() < deadline, f"import not done: {job}")
        time.sleep(0.2)
    expect(job["issued_rows"] == args.rows, f"issued {job['issued_rows']} of {args.rows}")
    expect(job["error_rows"] == 0 and job["skipped_rows"] == 0, f"problem rows: {job}")
    step("import done", issued=job["issued_rows"], seconds=round(time.monotonic() - started, 2))

    # 4. The webhooks of the import: one award.issued per row, none lost or doubled, then
    # import.completed with the counts.
    issued = receiver.wait_for("award.issued", args.rows)
    check_deliveries(issued, "award.issued")
    award_ids = {d["data"]["award_id"] for d in issued}
    expect(len(issued) == args.rows and len(award_ids) == args.rows,
           f"{len(issued)} award.issued webhooks for {len(award_ids)} awards")
    completed = receiver.wait_for("import.completed", 1)
    check_deliveries(completed, "import.completed")
    step("webhooks", issued=len(issued), awards=len(award_ids),
         import_completed=len(completed),
         seconds=round(time.monotonic() - started, 2))

    # 5. Every award in the list, then revoke one.
    awards = list(api.pages(f"/awards?achievement={achievement['id']}&limit=200"))
    expect(len(awards) == args.rows, f"listed {len(awards)} awards")
    expect(len({a["id"] for a in awards}) == args.rows, "an award listed twice")
    victim, keeper = awards[0], awards[1]
    r = api.post(f"/awards/{victim['id']}/revoke", json={"reason": "Issued in error."})
    expect(r.status_code == 200 and r.json()["state"] == "revoked", f"revoke: {r.text}")
    step("revoked", id=victim["id"])
    revoked_hooks = receiver.wait_for("award.revoked", 1)
    check_deliveries(revoked_hooks, "award.revoked")
    expect([d["data"]["award_id"] for d in revoked_hooks] == [victim["id"]],
           f"award.revoked webhooks: {revoked_hooks}")
    step("revoked webhook", award=victim["id"])

    # 6. It is in the revoked list and in the status list.
    revoked = [a["id"] for a in api.pages("/awards?status=revoked&limit=200")]
    expect(victim["id"] in revoked, "the revoked award is not in the revoked list")
    r = api.get(f"/awards/{victim['id']}/credential")
    expect(r.status_code == 200, f"credential: {r.status_code}")
    credential = r.json()
    entries = credential["credentialStatus"]
    entries = entries if isinstance(entries, list) else [entries]
    entry = next(e for e in entries if e.get("statusPurpose") == "revocation")
    status_list = requests.get(map_url(entry["statusListCredential"], host_map),
                               headers={"Host": host, "Accept": "application/json"}, timeout=30)
    expect(status_list.status_code == 200, f"status list: {status_list.status_code}")
    bit = status_bit(status_list.json(), int(entry["statusListIndex"]))
    expect(bit == 1, "the revoked award's bit is not set in the status list")
    step("status list", index=int(entry["statusListIndex"]), bit=bit)

    # 7. Digital Bazaar verifies an active credential and refuses the revoked one.
    good = api.get(f"/awards/{keeper['id']}/credential").json()
    ok, out = verify(args.node, good, args.host_map)
    expect(ok, f"Digital Bazaar rejected an active credential: {out}")
    ok, out = verify(args.node, credential, args.host_map)
    expect(not ok, f"Digital Bazaar accepted a revoked credential: {out}")
    step("verified", active=True, revoked_refused=True)
    step("done", seconds=round(time.monotonic() - started, 2))


if __name__ == "__main__":
    main()
