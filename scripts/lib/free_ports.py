"""Prints free TCP ports on 127.0.0.1 for the shell checks: a base port with
COUNT consecutive free ports, then SINGLES more free ports outside that range.

    python3 scripts/lib/free_ports.py COUNT SINGLES   ->  "BASE P1 P2 ..."
"""
import random
import socket
import sys


def free(port):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def any_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


count, singles = int(sys.argv[1]), int(sys.argv[2])
while True:
    base = random.randint(21000, 29000)
    if all(free(base + i) for i in range(count)):
        break
picked = []
while len(picked) < singles:
    p = any_port()
    if not base <= p < base + count and p not in picked:
        picked.append(p)
print(base, *picked)
