"""What a host in a server address stands for, without asking DNS: loopback, local, public.

One place for the question "is this server on this machine?", because the spellings of
loopback are many and each reader of a URL used to know only some of them. A URL's host
may be written in every form the C resolver's `inet_aton` takes, and the HTTP stack
connects to exactly that address:

* dotted with fewer than four parts, each part decimal, octal (leading 0) or hex (0x):
  `127.1`, `127.0.1`, `0x7f.1`, `0177.0.0.1`, `0x7f000001`, and a plain number
  `2130706433`; a trailing dot (`127.0.0.1.`) is allowed, as URL parsers do;
* IPv6, with or without brackets: `::1`, `[::1]`, `0:0:0:0:0:0:0:1`, and IPv4 mapped
  into IPv6 (`::ffff:127.0.0.1`), with or without a zone (`fe80::1%eth0`);
* the names `localhost`, `localhost.` and any `*.localhost` (RFC 6761 reserves them
  for loopback), in any case.

Pure parsing: no socket, no DNS, so it is safe in core and gives the same answer on
every platform.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _number(part: str) -> int | None:
    """One part of an inet_aton address: decimal, 0x hex or 0-led octal; None if not."""
    text = part.lower()
    try:
        if text.startswith("0x"):
            return int(text[2:], 16) if text[2:] else 0
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def _inet_aton(text: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address `inet_aton` reads `text` as (1 to 4 parts), or None."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or any(not p or not p.isascii() for p in parts):
        return None
    numbers = [_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    *head, last = values
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(values)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (5 - len(values)) + last
    return ipaddress.IPv4Address(value)


def host_address(host: str | None) -> IPAddress | None:
    """The IP address `host` is written as (any form above), or None for a name."""
    if not host:
        return None
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            address = ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            return None
        mapped = address.ipv4_mapped
        return mapped if mapped is not None else address
    if text.endswith("."):
        text = text[:-1]
    return _inet_aton(text)


def is_loopback_name(host: str) -> bool:
    name = host.strip().lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def is_loopback_host(host: str | None) -> bool:
    """Whether `host` (from a URL, brackets or not) is this machine's loopback."""
    if not host:
        return False
    if is_loopback_name(host):
        return True
    address = host_address(host)
    return address is not None and address.is_loopback


def is_local_host(host: str | None) -> bool:
    """Loopback, or an address of the local network (private or link-local), or a name
    only a local network resolves (`*.local`, `*.lan`)."""
    if not host:
        return False
    if is_loopback_host(host):
        return True
    if host.strip().lower().rstrip(".").endswith((".local", ".lan")):
        return True
    address = host_address(host)
    if address is None:
        return False
    return address.is_private or address.is_link_local
