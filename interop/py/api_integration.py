#!/usr/bin/env python3
"""A whole integration through Accolade's REST API with plain `requests`, as another system
would do it: create an achievement, issue 1,000 badges from a CSV file, poll the import until
it is done, (receive the webhooks), revoke one award, find it in the revoked list and in the
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


def receive_webhooks(expected_issued):
    """Webhook reception: a receiver registered as the organization's endpoint gets
    `award.issued` for every row, `import.completed` and `award.revoked`, each verified with
    the Standard Webhooks package. Filled in by the webhooks part of the API."""
    return None


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

    # 2. 1,000 badges by CSV.
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

    # 4. The webhooks of the import.
    receive_webhooks(args.rows)

    # 5. Every award in the list, then revoke one.
    awards = list(api.pages(f"/awards?achievement={achievement['id']}&limit=200"))
    expect(len(awards) == args.rows, f"listed {len(awards)} awards")
    expect(len({a["id"] for a in awards}) == args.rows, "an award listed twice")
    victim, keeper = awards[0], awards[1]
    r = api.post(f"/awards/{victim['id']}/revoke", json={"reason": "Issued in error."})
    expect(r.status_code == 200 and r.json()["state"] == "revoked", f"revoke: {r.text}")
    step("revoked", id=victim["id"])

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
