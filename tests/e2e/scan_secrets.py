#!/usr/bin/env python3
"""Fails when a secret of the e2e run appears in a log.

The secrets: the users' and the admin's passwords and the session tokens the
browser held (written by scenario.mjs), the custody secret, and the anvil dev
keys the platform signs with (devnet/dev_accounts.hpp), with and without 0x.
Only kinds and counts are printed, never a secret itself.

  tests/e2e/scan_secrets.py SECRETS_JSON CUSTODY_SECRET_FILE LOG...
"""
import json
import re
import sys


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        found = json.load(f)
    kinds = {"password": found.get("passwords", []), "session token": found.get("tokens", [])}
    with open(sys.argv[2]) as f:
        kinds["custody secret"] = [f.read().strip()]
    with open("devnet/dev_accounts.hpp") as f:
        keys = re.findall(r"0x([0-9a-fA-F]{64})", f.read())
    kinds["private key"] = keys + ["0x" + k for k in keys]
    if len(kinds["password"]) < 3 or len(kinds["session token"]) < 3 or not keys:
        print(f"secrets scan: too few secrets to check ({ {k: len(v) for k, v in kinds.items()} })", file=sys.stderr)
        return 1
    bad = 0
    for log in sys.argv[3:]:
        with open(log, errors="replace") as f:
            text = f.read()
        for kind, values in kinds.items():
            hits = sum(1 for v in values if v and v in text)
            if hits:
                print(f"secrets scan: {hits} {kind}(s) appear in {log}", file=sys.stderr)
                bad += hits
        lines = text.count("\n")
        counts = ", ".join(f"{len(v)} {k}s" for k, v in kinds.items())
        print(f"secrets scan: {counts} checked against {log} ({lines} lines): {'FOUND' if bad else 'none found'}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
