"""Runs 1EdTech's Open Badges 2.0 validator (PyPI `openbadges`) on hosted assertions or baked
badge images, and prints its report.

Usage: python validate_ob2.py [--email ADDRESS] URL|FILE...

Each input is a hosted assertion URL (fetched over HTTP, with every document it links to) or
a baked PNG/SVG file. With --email, the validator also checks the assertion was issued to
that address (hashed recipients). One JSON line per input: {"input", "valid", "errors",
"warnings", "messages", "graph"}. Exit status 0 only if every input is valid.

Two adaptations let the 2018 validator run here, neither of which changes a check:
- Python 3.10 removed the `collections.Mapping`-style aliases its dependencies import, so
  they are restored from `collections.abc` before import.
- This machine reaches no web site, so the one remote document the validator loads that is
  not on the server under test, the OB 2.0 JSON-LD context, is answered from the copy the
  validator itself ships (`openbadges_context.OPENBADGES_CONTEXT_V2_DICT`).
"""

import collections
import collections.abc
import json
import sys

for _name in ("Mapping", "MutableMapping", "Iterable", "Sequence", "MutableSequence",
              "Callable", "Set", "MutableSet", "Hashable"):
    setattr(collections, _name, getattr(collections.abc, _name))

import requests  # noqa: E402
from openbadges.verifier import verify  # noqa: E402
from openbadges.verifier.openbadges_context import (  # noqa: E402
    OPENBADGES_CONTEXT_V2_DICT, OPENBADGES_CONTEXT_V2_URI)

_real_get = requests.Session.get


def _get(self, url, *args, **kwargs):
    if url.rstrip("/") == OPENBADGES_CONTEXT_V2_URI:
        res = requests.models.Response()
        res.status_code = 200
        res._content = json.dumps(OPENBADGES_CONTEXT_V2_DICT).encode()
        res.headers["Content-Type"] = "application/ld+json"
        res.url = url
        res.encoding = "utf-8"
        return res
    return _real_get(self, url, *args, **kwargs)


requests.Session.get = _get


def main(argv):
    email = None
    if len(argv) >= 2 and argv[0] == "--email":
        email, argv = argv[1], argv[2:]
    profile = {"email": email} if email else None
    ok = True
    for item in argv:
        options = {"use_cache": False, "cache_backend": None}
        if item.startswith(("http://", "https://")):
            result = verify(item, recipient_profile=dict(profile) if profile else None, **options)
        else:
            with open(item, "rb") as f:
                result = verify(f, recipient_profile=dict(profile) if profile else None, **options)
        report = result["report"]
        ok = ok and bool(report["valid"])
        print(json.dumps({
            "input": item,
            "valid": report["valid"],
            "errors": report["errorCount"],
            "warnings": report["warningCount"],
            "messages": report["messages"],
            "graph": result["graph"],
        }))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
