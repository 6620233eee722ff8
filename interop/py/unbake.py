"""Reads baked Open Badges images with independent Python tools and prints what they find.

Usage: python unbake.py FILE...

For each file, one JSON line: {"file", "ob2", "ob3"}.
- "ob2": what 1EdTech's openbadges-bakery (`openbadges_bakery.unbake`) extracts: the OB 2.0
  `openbadges` iTXt/tEXt of a PNG, or the `<openbadges:assertion>` of an SVG.
- "ob3": the OB 3.0 credential read with the libraries the bakery itself is built on: pypng's
  chunk reader (which checks every CRC) for the `openbadgecredential` iTXt of a PNG, and
  defusedxml's namespace-aware DOM for `<credential>` in https://purl.imsglobal.org/ob/v3p0
  (a JWT in its `verify` attribute, else the CDATA text). openbadges-bakery 2.0 predates
  OB 3.0 and does not read those.
Exit status 1 if a file cannot be read at all.
"""

import json
import sys

import png
from defusedxml.minidom import parseString
from openbadges_bakery import unbake

OB3_NS = "https://purl.imsglobal.org/ob/v3p0"


def ob3_png(data):
    found = []
    for kind, content in png.Reader(bytes=data).chunks():
        if kind == b"iTXt" and content.startswith(b"openbadgecredential\x00"):
            keyword, rest = content.split(b"\x00", 1)
            flag, method, rest = rest[0], rest[1], rest[2:]
            if flag != 0:
                raise ValueError("compressed openbadgecredential chunk")
            _lang, rest = rest.split(b"\x00", 1)
            _translated, text = rest.split(b"\x00", 1)
            found.append(text.decode("utf-8"))
    if len(found) > 1:
        raise ValueError("more than one openbadgecredential chunk")
    return found[0] if found else None


def ob3_svg(data):
    doc = parseString(data)
    nodes = doc.getElementsByTagNameNS(OB3_NS, "credential")
    if len(nodes) > 1:
        raise ValueError("more than one credential element")
    if not nodes:
        return None
    node = nodes[0]
    verify = node.getAttribute("verify")
    if verify:
        return verify
    return "".join(
        c.nodeValue for c in node.childNodes if c.nodeType in (c.CDATA_SECTION_NODE, c.TEXT_NODE)
    ).strip()


def main(paths):
    ok = True
    for path in paths:
        out = {"file": path}
        try:
            with open(path, "rb") as f:
                data = f.read()
            with open(path, "rb") as f:
                try:
                    out["ob2"] = unbake(f)
                except (IndexError, KeyError):
                    out["ob2"] = None
            out["ob3"] = ob3_png(data) if data.startswith(b"\x89PNG") else ob3_svg(data)
        except Exception as e:  # report every failure as data for the caller
            out["error"] = f"{type(e).__name__}: {e}"
            ok = False
        print(json.dumps(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
