"""Which hosts a webhook may reach: public addresses, and the hosts a task or the config allows.

A webhook runs from the machine that runs run-due, inside its network: without a check a task could
call internal services (an admin page on localhost, a database's HTTP port, the cloud metadata service
at 169.254.169.254) and keep their answer in its run log. So before each connection (the first request
and every redirect hop) the host is resolved and every address it resolves to must be a global one;
the connection then goes to exactly those addresses (automation/pinned.py), so a DNS answer that
changes between the check and the connect cannot move it. A host named in the task's `allow_hosts`
(`--allow-private-host`) or in `[automation] allow_hosts` of the config file is exempt.

Numeric hosts are read the way the C resolver reads them (`0x7f000001`, `2130706433`, `0177.0.0.1`,
`127.1` are all 127.0.0.1), and IPv4 inside IPv6 (`::ffff:127.0.0.1`, 6to4, NAT64) is judged by the
IPv4 address it carries.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from boo_cli.errors import ConfigError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# What inet_aton accepts: one to four parts, each decimal, octal (leading 0) or hex (0x).
_NUMERIC_IPV4 = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}", re.IGNORECASE)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_KINDS = (  # the first that applies names the refusal
    ("is_unspecified", "an unspecified address"),
    ("is_loopback", "a loopback address"),
    ("is_link_local", "a link-local address"),
    ("is_multicast", "a multicast address"),
    ("is_site_local", "a site-local address"),
    ("is_reserved", "a reserved address"),
    ("is_private", "a private address"),
)


class Refused(Exception):
    """A webhook host that must not be reached; the message says why and how to allow it."""

    def __init__(self, what: str, host: str, *, redirect: bool = False) -> None:
        self.what = what  # e.g. "169.254.169.254 is a link-local address"
        self.host = host
        hint = allow_hint(host, task_option=not redirect)
        super().__init__(f"refused: {what}{' (a redirect)' if redirect else ''}; {hint}")


def allow_hint(host: str, *, task_option: bool = True) -> str:
    """How to allow host: --allow-private-host covers only the task's own URL, not a redirect's."""
    config = f'allow_hosts = ["{host.strip("[]")}"] under [automation] in the config file'
    return (
        f"allow it with --allow-private-host on the task, or {config}"
        if task_option
        else f"allow it with {config}"
    )


def literal_address(host: str) -> IPAddress | None:
    """The address a numeric host stands for (any form the resolver accepts), None for a name."""
    text = host.strip().removeprefix("[").removesuffix("]").rstrip(".").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if _NUMERIC_IPV4.fullmatch(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def forbidden_reason(address: IPAddress) -> str | None:
    """Why a webhook may not connect to address ("a loopback address"), or None for a global one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in _NAT64 else None
        )
        if embedded is not None:  # the packets go to the IPv4 address: judge that alone
            inner = forbidden_reason(embedded)
            return f"{inner} ({embedded} inside IPv6)" if inner else None
        if address.sixtofour is not None:
            inner = forbidden_reason(address.sixtofour)
            if inner:
                return f"{inner} ({address.sixtofour} inside a 6to4 address)"
    for attribute, kind in _KINDS:
        if getattr(address, attribute, False):
            return kind
    if not address.is_global:
        return "not a public address"
    return None


def _is_localhost(name: str) -> bool:
    name = name.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")  # RFC 6761: always loopback


def _key(host: str) -> str:
    """host as allow_hosts entries are compared: an address in its normal form, a name in ASCII."""
    address = literal_address(host)
    if address is not None:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return str(address)
    name = host.strip().rstrip(".").lower()
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


def is_allowed(host: str, allow_hosts: Iterable[str]) -> bool:
    return _key(host) in {_key(entry) for entry in allow_hosts if entry.strip()}


def check_literal(url: str, allow_hosts: Iterable[str]) -> None:
    """Refuse a URL whose host is, without any lookup, a forbidden address (or localhost)."""
    host = urlsplit(url).hostname or ""
    if not is_allowed(host, allow_hosts):
        _check_host_text(host)


def _check_host_text(host: str) -> None:
    shown = host.strip("[]")
    address = literal_address(shown)
    if address is None:
        if _is_localhost(shown):
            raise Refused(f"{shown} is a loopback name", shown)
        return
    reason = forbidden_reason(address)
    if reason:
        same = _is_standard(shown)  # else say which address an unusual spelling stands for
        raise Refused(f"{shown} is {reason}" if same else f"{shown} is {address}, {reason}", shown)


def _is_standard(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def vet(host: str, port: int, allow_hosts: Iterable[str], *, redirect: bool = False) -> list[str]:
    """The addresses to connect to for host: every one it resolves to must be global, unless host is
    allowed. Raises Refused, or OSError when the name does not resolve."""
    if is_allowed(host, allow_hosts):
        return resolve(host, port)
    try:
        _check_host_text(host)
    except Refused as exc:
        raise Refused(exc.what, exc.host, redirect=redirect) from None
    addresses = resolve(host, port)
    for address in addresses:
        reason = forbidden_reason(ipaddress.ip_address(address))
        if reason:
            raise Refused(f"{host} resolves to {address}, {reason}", host, redirect=redirect)
    return addresses


def resolve(host: str, port: int) -> list[str]:
    """Every address of host for a TCP connection, in the resolver's order, without repeats."""
    found: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0]).split("%", 1)[0]
        if address not in found:
            found.append(address)
    if not found:
        raise OSError(f"{host} has no address")
    return found


def configured_allow_hosts() -> list[str]:
    """`allow_hosts` under [automation] in the config file: hosts every webhook may reach."""
    from boo_cli.config import load_settings, paths

    table = load_settings().get("automation")
    value = table.get("allow_hosts", []) if isinstance(table, dict) else []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(
            f"allow_hosts under [automation] in {paths().config_file} must be a list of host names or "
            'addresses, e.g. allow_hosts = ["intranet.example.com", "10.0.0.5"]'
        )
    return value
