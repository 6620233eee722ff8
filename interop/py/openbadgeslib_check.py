"""Reads and verifies Open Badges 3.0 credentials with openbadgeslib, offline.

Usage: python openbadgeslib_check.py --did DID_JSON [--email EMAIL] [--check-status]
                                     [--doc URL=FILE]... FILE...

FILE is a baked badge (PNG or SVG), a credential JSON (Data Integrity proof) or a VC-JWT.
DID_JSON is the issuer's DID document (did:web), as the issuer publishes it.

For each FILE, one JSON line:
  {"file", "carrier": "png"|"svg"|"json"|"jwt", "format": "ldp"|"vc-jwt", "credential_id",
   "issuer", "extracted_sha256", "checks": {name: {"ok": bool, "error"?: str, ...}},
   "notes": [str], "verified": bool}
or {"file", "error", "verified": false} when the file cannot be read at all.

What openbadgeslib does here (its own code, not ours):
- extraction: `OB3Verifier.extract_token_from_png` (the `openbadgecredential` iTXt chunk,
  parsed field by field with pypng, which checks every CRC) and `extract_token_from_svg`
  (the `<openbadges:credential>` element: a JWT in `verify`, else its text);
- "pinned_key": `OB3LdpVerifier(pubkey_pem=...)` (eddsa-rdfc-2022, RDFC-1.0 with pyld and its
  bundled, hash-pinned JSON-LD contexts; it refuses any other context and never fetches one)
  or `OB3Verifier(pubkey_pem=...)` (VC-JWT, algorithm pinned to the key type), with the key
  the proof names (`verificationMethod`) or the token names (`kid`) taken from DID_JSON and
  turned into PEM here with `cryptography`: a Multikey `publicKeyMultibase` (z-base58btc of
  0xed01 + 32 bytes) or a `publicKeyJwk` (EC P-256, RSA, OKP Ed25519). Both verifiers also
  check the credential type, the issuer/claims, and validFrom/validUntil against the clock;
  the Data Integrity one first checks that the JSON is exactly the compacted form of the RDF
  it signs (VC Data Integrity context validation);
- "did_web" (Data Integrity only): `OB3LdpVerifier.for_issuer_did(issuer)`, which resolves
  the proof's verificationMethod in the issuer's did:web document itself and binds both the
  credential's issuer and the method to that DID; the document is served from DID_JSON;
- "badge" (baked images only): `openbadgeslib.verify.verify_badge(image, "3",
  resolve_did=True)`, the library's whole image pipeline, which must answer valid and
  trusted (did:web);
- "recipient" (with --email): openbadgeslib reads `credentialSubject.identifier` into
  `IdentityObject`s; the email matches when `IdentityObject.create(email, salt)` (the
  library's salted `sha256$` hash) equals a hashed `emailAddress` identifier. Its verifiers'
  own `expected_recipient` compares `credentialSubject.id` only, which an email-only subject
  does not have: that is recorded in "notes";
- "status" (with --check-status): `check_credential_status` reads the credential's
  BitstringStatusListEntry in the list served by --doc (and the list's validity window), and
  fails if its bit is set. The library verifies the proof of JWT status lists only, so the
  list's own Data Integrity proof is checked with its `verify_data_integrity_proof` and the
  issuer's key, and its issuer must be the credential's.

A did:web document, a status list or anything else the library asks for is served only from
DID_JSON and --doc; every other request fails, and the socket layer is disabled, so nothing
is fetched from the network. Exit status 0 only if every FILE verified.
"""

import argparse
import base64
import hashlib
import json
import socket
import sys
from urllib.parse import unquote


def _offline(*_args, **_kwargs):
    raise OSError("openbadgeslib_check runs offline: no network access")


socket.getaddrinfo = _offline
socket.create_connection = _offline
socket.socket.connect = _offline

import jwt  # noqa: E402  (PyJWT, openbadgeslib's own dependency)
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # noqa: E402
from openbadgeslib.ob3 import (  # noqa: E402
    IdentityObject,
    OB3LdpVerifier,
    OB3Verifier,
    check_credential_status,
    verify_data_integrity_proof,
)
from openbadgeslib.verify import verify_badge  # noqa: E402

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(text):
    num = 0
    for ch in text:
        num = num * 58 + B58.index(ch)
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_int(text):
    return int.from_bytes(b64url(text), "big")


def pem(key):
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def multikey_pem(multibase):
    if not multibase.startswith("z"):
        raise ValueError("publicKeyMultibase is not base58btc")
    raw = b58decode(multibase[1:])
    if raw[:2] != b"\xed\x01" or len(raw) != 34:
        raise ValueError("publicKeyMultibase is not an Ed25519 Multikey")
    return pem(ed25519.Ed25519PublicKey.from_public_bytes(raw[2:]))


def jwk_pem(jwk):
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        numbers = ec.EllipticCurvePublicNumbers(
            b64url_int(jwk["x"]), b64url_int(jwk["y"]), ec.SECP256R1()
        )
        return pem(numbers.public_key())
    if jwk.get("kty") == "RSA":
        return pem(rsa.RSAPublicNumbers(b64url_int(jwk["e"]), b64url_int(jwk["n"])).public_key())
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return pem(ed25519.Ed25519PublicKey.from_public_bytes(b64url(jwk["x"])))
    raise ValueError(f"unsupported JWK {jwk.get('kty')}/{jwk.get('crv')}")


class Issuer:
    """The issuer's DID document and the documents served in place of the network."""

    def __init__(self, did_doc, docs):
        self.doc = did_doc
        self.did = did_doc["id"]
        parts = [unquote(p) for p in self.did[len("did:web:"):].split(":")]
        if len(parts) > 1:
            url = "https://%s/%s/did.json" % (parts[0], "/".join(parts[1:]))
        else:
            url = "https://%s/.well-known/did.json" % parts[0]
        self.docs = dict(docs)
        self.docs[url] = json.dumps(did_doc).encode("utf-8")
        self.fetched = []

    def download(self, url, *_args, **_kwargs):
        self.fetched.append(url)
        if url not in self.docs:
            raise OSError(f"offline: no document given for {url}")
        return self.docs[url]

    def asserting_method(self, method_id):
        """The verification method `method_id` of this DID, if it may assert credentials."""
        if method_id not in self.doc.get("assertionMethod", []):
            raise ValueError(f"{method_id} is not in the DID document's assertionMethod")
        for m in self.doc.get("verificationMethod", []):
            if m.get("id") == method_id and m.get("controller") == self.did:
                return m
        raise ValueError(f"the DID document has no verification method {method_id}")

    def method_pem(self, method_id):
        method = self.asserting_method(method_id)
        if "publicKeyJwk" in method:
            return jwk_pem(method["publicKeyJwk"])
        return multikey_pem(method["publicKeyMultibase"])

    def jwt_key_pem(self, kid):
        """The key a VC-JWT's `kid` names: the DID document's JsonWebKey with that `kid`."""
        for m in self.doc.get("verificationMethod", []):
            if m.get("publicKeyJwk", {}).get("kid") == kid:
                return self.method_pem(m["id"])
        raise ValueError(f"the DID document has no JsonWebKey with kid {kid}")


def run(checks, name, fn):
    try:
        extra = fn() or {}
        checks[name] = {"ok": True, **extra}
    except Exception as e:  # every failure is reported as data for the caller
        checks[name] = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    return checks[name]["ok"]


def recipient_check(credential, email):
    hashed = [
        i
        for i in credential.identifiers
        if i.hashed and i.identity_type == "emailAddress"
    ]
    if not hashed:
        raise ValueError("the credential has no hashed emailAddress identifier")
    for i in hashed:
        mine = IdentityObject.create(email, salt=i.salt).identity_hash
        if mine.lower() == i.identity_hash.lower():
            return {"email": email}
    raise ValueError(f"no identifier of the credential is the salted hash of {email}")


def status_check(issuer, credential):
    """The credential's status bits, and the Data Integrity proof of each status list."""
    check_credential_status(credential, download=issuer.download, verify_list=False)
    lists = []
    for entry in credential.credential_status:
        url = entry.get("statusListCredential")
        doc = json.loads(issuer.download(url))
        proofs = doc.get("proof")
        proof = proofs[0] if isinstance(proofs, list) else proofs
        list_issuer = doc.get("issuer")
        if isinstance(list_issuer, dict):
            list_issuer = list_issuer.get("id")
        if list_issuer != credential.issuer.id:
            raise ValueError(f"the status list {url} is not the credential issuer's")
        verify_data_integrity_proof(doc, issuer.method_pem(proof["verificationMethod"]))
        lists.append(url)
    return {"lists": lists}


def check_file(path, issuer, args):
    out = {"file": path}
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        carrier, text = "png", OB3Verifier.extract_token_from_png(data)
    elif data.lstrip()[:1] == b"<":
        carrier, text = "svg", OB3Verifier.extract_token_from_svg(data)
    else:
        text = data.decode("utf-8").strip()
        carrier = "json" if text.startswith("{") else "jwt"
    ldp = text.lstrip().startswith("{")
    out.update(
        carrier=carrier,
        format="ldp" if ldp else "vc-jwt",
        extracted_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    checks, notes = {}, []
    found = {}

    if ldp:
        doc = json.loads(text)
        proofs = doc.get("proof")
        proofs = proofs if isinstance(proofs, list) else [proofs]
        vm = next(
            (
                p.get("verificationMethod")
                for p in proofs
                if isinstance(p, dict) and p.get("cryptosuite") == "eddsa-rdfc-2022"
            ),
            None,
        )
        if vm is None:
            raise ValueError("the credential has no eddsa-rdfc-2022 proof")

        def pinned():
            verifier = OB3LdpVerifier(pubkey_pem=issuer.method_pem(vm))
            found["credential"] = verifier.verify(text)
            return {"verification_method": vm}

        def did_web():
            credential = OB3LdpVerifier.for_issuer_did(issuer.did).verify(
                text, download=issuer.download
            )
            return {"issuer": credential.issuer.id}

        run(checks, "pinned_key", pinned)
        run(checks, "did_web", did_web)
    else:
        kid = jwt.get_unverified_header(text).get("kid")

        def pinned():
            verifier = OB3Verifier(pubkey_pem=issuer.jwt_key_pem(kid))
            found["credential"] = verifier.verify(text)
            return {"kid": kid, "alg": jwt.get_unverified_header(text).get("alg")}

        run(checks, "pinned_key", pinned)
        try:
            OB3Verifier.for_issuer_did(issuer.did, download=issuer.download).verify(text)
            notes.append("OB3Verifier.for_issuer_did also verified the token")
        except Exception as e:
            notes.append(f"not counted: OB3Verifier.for_issuer_did: {e}")

    if carrier in ("png", "svg"):

        def badge():
            result = verify_badge(data, "3", resolve_did=True, download=issuer.download)
            if not (result.valid and result.trusted):
                raise ValueError(result.reason or "not valid and trusted")
            return {"proof_format": result.proof_format, "issuer_did": result.issuer_did}

        run(checks, "badge", badge)

    credential = found.get("credential")
    if credential is not None:
        out["credential_id"] = credential.id
        out["issuer"] = credential.issuer.id
        if args.check_status:
            run(checks, "status", lambda: status_check(issuer, credential))
        if args.email:
            run(checks, "recipient", lambda: recipient_check(credential, args.email))
            try:
                verifier = OB3LdpVerifier if ldp else OB3Verifier
                key = issuer.method_pem(vm) if ldp else issuer.jwt_key_pem(kid)
                verifier(pubkey_pem=key).verify(text, expected_recipient=args.email)
                notes.append("the verifier's own expected_recipient matched too")
            except Exception as e:
                notes.append(f"not counted: the verifier's own expected_recipient: {e}")
    elif args.check_status or args.email:
        for name in (["status"] if args.check_status else []) + (
            ["recipient"] if args.email else []
        ):
            checks[name] = {"ok": False, "error": "the credential did not verify"}

    out["checks"] = checks
    out["notes"] = notes
    out["verified"] = bool(checks) and all(c["ok"] for c in checks.values())
    return out


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--did", required=True, help="the issuer's DID document (JSON file)")
    parser.add_argument("--email", help="the recipient's email address")
    parser.add_argument("--check-status", action="store_true")
    parser.add_argument("--doc", action="append", default=[], metavar="URL=FILE")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    with open(args.did, "rb") as f:
        did_doc = json.load(f)
    docs = {}
    for item in args.doc:
        url, _, file = item.rpartition("=")
        with open(file, "rb") as f:
            docs[url] = f.read()
    issuer = Issuer(did_doc, docs)
    ok = True
    for path in args.files:
        try:
            out = check_file(path, issuer, args)
        except Exception as e:  # a file that cannot be read at all
            out = {"file": path, "error": f"{type(e).__name__}: {e}", "verified": False}
        ok = ok and out["verified"]
        print(json.dumps(out), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
