"""Webhooks reach only public addresses: every other address is refused before any connection.

No test here sends a packet anywhere but to a server it started on 127.0.0.1: a socket guard records
every connect (and stops those to anything else), and a resolver stub answers for the test names, so a
refusal that came after a connect, or a lookup that escaped to real DNS, fails the test.
"""

from __future__ import annotations

import gzip
import http.server
import socket
import threading
import time

import pytest

from boo_cli.automation.actions import EXCERPT_BYTES, MAX_REDIRECTS, WebhookAction, run_webhook

NAMES = {  # what the resolver stub answers; nothing else resolves
    "internal.test": ["10.0.0.1"],
    "metadata.test": ["169.254.169.254"],
    "mixed.test": ["93.184.216.34", "192.168.1.10"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "v6-local.test": ["fd00::1"],
    "public.test": ["93.184.216.34"],
}
_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class ForbiddenConnect(AssertionError):
    pass


class Network:
    """The socket guard and the resolver stub of one test."""

    def __init__(self) -> None:
        self.servers: set[tuple[str, int]] = set()  # the only places a connect may go
        self.connects: list[tuple] = []
        self.forbidden: list[tuple] = []
        self.lookups: list[str] = []
        self.names = {name: list(addresses) for name, addresses in NAMES.items()}

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:  # a numeric host is parsed locally, never looked up
            return _real_getaddrinfo(name, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            pass
        self.lookups.append(name)
        key = name.rstrip(".").lower()
        if key not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, f"{name} is not a test name")
        infos = []
        for address in self.names[key]:
            if ":" in address:
                infos.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port or 0, 0, 0)))
            else:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 0)))
        return infos

    def check(self, address) -> None:
        self.connects.append(address)
        if (address[0], address[1]) not in self.servers:
            self.forbidden.append(address)
            raise ForbiddenConnect(f"a connect to {address}")


@pytest.fixture(autouse=True)
def network(monkeypatch):
    net = Network()

    def connect(sock, address):
        net.check(address)
        return _real_connect(sock, address)

    def connect_ex(sock, address):
        net.check(address)
        return _real_connect_ex(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", net.getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield net
    assert net.forbidden == [], "a test connected somewhere it started no server"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.received.append((self.command, self.path, dict(self.headers)))
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")
            return
        route(self)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def server(network):
    """An HTTP server on 127.0.0.1 that the guard lets the test reach; routes by path."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.received = []
    httpd.routes = {}
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    network.servers.add(("127.0.0.1", httpd.server_address[1]))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def redirect_to(location: str, status: int = 302):
    def route(handler):
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


FORBIDDEN = [
    ("http://localhost/", "loopback"),
    ("http://LOCALHOST./", "loopback"),
    ("http://api.localhost/", "loopback"),
    ("http://127.0.0.1/", "loopback"),
    ("http://127.0.0.1.:8080/", "loopback"),
    ("http://0x7f000001/", "127.0.0.1, a loopback"),
    ("http://2130706433/", "127.0.0.1, a loopback"),
    ("http://0177.0.0.1/", "127.0.0.1, a loopback"),
    ("http://127.1/", "127.0.0.1, a loopback"),
    ("http://0x7f.1/", "127.0.0.1, a loopback"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback address (127.0.0.1 inside IPv6)"),
    ("http://[::ffff:7f00:1]/", "loopback address (127.0.0.1 inside IPv6)"),
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[64:ff9b::a9fe:a9fe]/", "link-local address (169.254.169.254 inside IPv6)"),
    ("http://[2002:7f00:1::]/", "loopback address (127.0.0.1 inside a 6to4 address)"),
    ("http://[2002:a00:1::]/", "private address (10.0.0.1 inside a 6to4 address)"),
    ("http://[::127.0.0.1]/", "reserved"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://100.64.0.1/", "not a public address"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[fd00::1]/", "private"),
    ("http://[fec0::1]/", "site-local"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://0/", "0.0.0.0, an unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://255.255.255.255/", "reserved"),
    ("https://internal.test/hook", "internal.test resolves to 10.0.0.1, a private address"),
    ("http://metadata.test/", "metadata.test resolves to 169.254.169.254, a link-local address"),
    ("http://mixed.test/", "mixed.test resolves to 192.168.1.10, a private address"),
    ("http://mapped.test/", "resolves to ::ffff:127.0.0.1, a loopback"),
    ("http://v6-local.test/", "resolves to fd00::1, a private address"),
]


@pytest.mark.parametrize(("url", "why"), FORBIDDEN)
def test_every_non_public_form_is_refused_before_any_connect(network, url, why):
    outcome = run_webhook(WebhookAction(url=url), allow_hosts=[])
    assert not outcome.ok
    assert outcome.error.startswith("refused: "), outcome.error
    assert why in outcome.error
    assert "allow it with --allow-private-host" in outcome.error
    assert network.connects == []


def test_the_metadata_address_is_refused_with_the_way_to_allow_it(network):
    outcome = run_webhook(WebhookAction(url="http://169.254.169.254/latest/meta-data/"), allow_hosts=[])
    assert outcome.error == (
        "refused: 169.254.169.254 is a link-local address; allow it with --allow-private-host on the task, "
        'or allow_hosts = ["169.254.169.254"] under [automation] in the config file'
    )
    assert network.connects == [] and network.lookups == []


def test_a_name_that_does_not_resolve_fails_without_a_connect(network):
    outcome = run_webhook(WebhookAction(url="http://nowhere.test/"), allow_hosts=[])
    assert not outcome.ok and "failed" in outcome.error and "nowhere.test" in outcome.error
    assert network.lookups == ["nowhere.test"] and network.connects == []


def test_a_public_name_is_let_through_to_the_address_that_was_checked(network):
    # 93.184.216.34 is public, so the guard is the one to stop it: the connect goes to the checked address.
    with pytest.raises(ForbiddenConnect):
        run_webhook(WebhookAction(url="http://public.test:8080/hook"), allow_hosts=[])
    assert network.forbidden == [("93.184.216.34", 8080)]
    network.forbidden.clear()


def test_the_connection_goes_to_the_checked_address_even_if_the_name_changes(network, server):
    """DNS rebinding: the name resolves to the test server when checked, to 10.9.9.9 afterwards."""
    port = server.server_address[1]
    answers = iter([["127.0.0.1"]])
    real = network.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if str(host) == "hook.test":
            network.names["hook.test"] = next(answers, ["10.9.9.9"])
        return real(host, *args, **kwargs)

    network.getaddrinfo = rebinding
    socket.getaddrinfo = rebinding  # the fixture's monkeypatch restores the real one
    outcome = run_webhook(WebhookAction(url=f"http://hook.test:{port}/x"), allow_hosts=["hook.test"])
    assert outcome.ok, outcome.error
    assert network.lookups == ["hook.test"]  # one lookup: the check's; the connect used its answer
    assert network.connects == [("127.0.0.1", port)]
    assert server.received[0][2]["Host"] == f"hook.test:{port}"  # the name, not the address


def test_a_host_that_was_not_checked_is_never_dialled(network):
    from boo_cli.automation.addresses import Refused
    from boo_cli.automation.pinned import PinnedBackend

    with pytest.raises(Refused, match="not checked before connecting"):
        PinnedBackend({}).connect_tcp("example.com", 80)
    assert network.connects == [] and network.lookups == []


def test_the_loopback_test_server_is_reached_only_when_allowed(network, server):
    refused = run_webhook(WebhookAction(url=f"{server.url}/hook"), allow_hosts=[])
    assert refused.error.startswith("refused: 127.0.0.1 is a loopback address")
    assert server.received == [] and network.connects == []
    by_config = run_webhook(WebhookAction(url=f"{server.url}/hook"), allow_hosts=["127.0.0.1"])
    by_task = run_webhook(WebhookAction(url=f"{server.url}/hook", allow_hosts=["127.0.0.1"]), allow_hosts=[])
    assert (by_config.ok, by_task.ok) == (True, True), (by_config.error, by_task.error)
    assert [path for _, path, _ in server.received] == ["/hook", "/hook"]


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://0x0a000001:8080/", "0x0a000001 is 10.0.0.1, a private address"),
        ("http://3232235777/", "3232235777 is 192.168.1.1, a private address"),
        ("http://[::ffff:10.0.0.1]/", "a private address (10.0.0.1 inside IPv6)"),
        ("http://internal.test/admin", "internal.test resolves to 10.0.0.1, a private address"),
        ("http://localhost:{port}/again", "localhost is a loopback name"),
        ("file:///etc/passwd", "a redirect to file:"),
    ],
)
def test_a_redirect_to_a_forbidden_address_is_refused_at_the_hop(network, server, location, why):
    port = server.server_address[1]
    server.routes["/go"] = redirect_to(location.format(port=port), 307)
    outcome = run_webhook(WebhookAction(url=f"{server.url}/go"), allow_hosts=["127.0.0.1"])
    assert not outcome.ok
    assert outcome.error.startswith("refused: ") and why in outcome.error, outcome.error
    assert [path for _, path, _ in server.received] == ["/go"]  # the hop itself never left
    assert network.connects == [("127.0.0.1", port)]
    assert outcome.log["http_status"] == 307


def test_a_refused_hop_says_how_to_allow_it_in_the_config_only(server):
    server.routes["/go"] = redirect_to("http://10.1.2.3/")
    outcome = run_webhook(WebhookAction(url=f"{server.url}/go", allow_hosts=["127.0.0.1"]), allow_hosts=[])
    assert outcome.error == (
        "refused: 10.1.2.3 is a private address (a redirect); "
        'allow it with allow_hosts = ["10.1.2.3"] under [automation] in the config file'
    )


def test_redirects_stop_after_the_hop_limit(server):
    server.routes["/loop"] = redirect_to("/loop")
    outcome = run_webhook(WebhookAction(url=f"{server.url}/loop"), allow_hosts=["127.0.0.1"])
    assert not outcome.ok and f"more than {MAX_REDIRECTS} redirects" in outcome.error
    assert len(server.received) == MAX_REDIRECTS + 1


def test_an_allowed_redirect_is_followed_and_the_tasks_headers_stay_with_its_origin(network, server):
    port = server.server_address[1]
    network.names["other.test"] = ["127.0.0.1"]
    server.routes["/same"] = redirect_to("/next")
    server.routes["/away"] = redirect_to(f"http://other.test:{port}/next", 307)
    action = WebhookAction(url=f"{server.url}/same", headers={"X-Token": "secret"})
    assert run_webhook(action, allow_hosts=["127.0.0.1"]).ok
    away = WebhookAction(url=f"{server.url}/away", headers={"X-Token": "secret"}, body={"a": 1})
    outcome = run_webhook(away, allow_hosts=["127.0.0.1", "other.test"])
    assert outcome.ok, outcome.error
    assert outcome.log["redirects"] == [f"http://other.test:{port}/next"]
    tokens = [(method, path, headers.get("X-Token")) for method, path, headers in server.received]
    assert tokens == [
        ("POST", "/same", "secret"),
        ("GET", "/next", "secret"),  # a 302 after POST goes on as GET, same origin: the token too
        ("POST", "/away", "secret"),
        ("POST", "/next", None),  # another host: no token
    ]


def test_a_long_answer_is_read_only_as_far_as_the_excerpt(server):
    """The server streams up to 256 MiB; the client stops after the first 4 KiB and hangs up."""
    sent = {"bytes": 0}
    done = threading.Event()
    cap = 256 * 1024 * 1024

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        chunk = b"x" * 65536
        try:
            handler.wfile.write(b"BEGIN")
            while sent["bytes"] < cap:
                handler.wfile.write(chunk)
                sent["bytes"] += len(chunk)
        except OSError:
            pass
        finally:
            done.set()

    server.routes["/long"] = endless
    started = time.monotonic()
    outcome = run_webhook(WebhookAction(url=f"{server.url}/long", method="GET"), allow_hosts=["127.0.0.1"])
    assert outcome.ok, outcome.error
    assert len(outcome.log["response"].encode()) == EXCERPT_BYTES == 4096
    assert outcome.log["response"].startswith("BEGINxxx")
    assert outcome.log["response_truncated"] is True
    assert done.wait(30)
    assert sent["bytes"] < 64 * 1024 * 1024, "the client read on after the excerpt"
    assert time.monotonic() - started < 30


def test_a_short_answer_is_kept_whole_and_a_compressed_one_is_decoded(server):
    def short(handler):
        handler.send_response(500)
        handler.send_header("Content-Length", "12")
        handler.end_headers()
        handler.wfile.write(b"out of order")

    def zipped(handler):
        body = gzip.compress(b"z" * 100_000)
        handler.send_response(200)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server.routes["/short"], server.routes["/zipped"] = short, zipped
    failed = run_webhook(WebhookAction(url=f"{server.url}/short"), allow_hosts=["127.0.0.1"])
    assert (failed.ok, failed.error) == (False, f"POST {server.url}/short answered 500")
    assert (failed.log["response"], failed.log["response_truncated"]) == ("out of order", False)
    zipped_outcome = run_webhook(WebhookAction(url=f"{server.url}/zipped"), allow_hosts=["127.0.0.1"])
    assert zipped_outcome.log["response"] == "z" * EXCERPT_BYTES
    assert server.received[-1][2]["Accept-Encoding"] == "identity"


# --- through the command line, on both backends ---------------------------------------------------


def write_config(boo_home, text: str) -> None:
    config = boo_home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(text)


def add(cli, *args):
    import time_machine

    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        return cli("automate", "add", *args)


@pytest.mark.parametrize(
    ("hook_url", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://0x7f000001:8000/", "0x7f000001 is 127.0.0.1, a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address (127.0.0.1 inside IPv6)"),
    ],
)
def test_add_refuses_a_literal_private_host_unless_allowed(owner_cli, network, hook_url, why):
    refused = add(owner_cli, "hook", "--every", "1h", "--webhook", hook_url)
    assert refused.exit_code == 2
    assert f"--webhook: {why}: webhooks reach only public addresses" in refused.stderr
    assert "--allow-private-host" in refused.stderr
    assert owner_cli.json("automate", "list") == []
    allowed = add(owner_cli, "hook", "--every", "1h", "--webhook", hook_url, "--allow-private-host")
    assert allowed.exit_code == 0, allowed.stderr
    assert owner_cli.json("automate", "show", "hook")["action_config"]["allow_hosts"] != []
    assert network.connects == []


def test_edit_checks_the_new_url_and_the_flag_needs_one(owner_cli, boo_home):
    assert add(owner_cli, "hook", "--every", "1h", "--webhook", "https://example.com/hook").exit_code == 0
    refused = owner_cli("automate", "edit", "hook", "--webhook", "http://10.0.0.7/")
    assert refused.exit_code == 2 and "10.0.0.7 is a private address" in refused.stderr
    alone = owner_cli("automate", "edit", "hook", "--allow-private-host")
    assert alone.exit_code == 2 and "--allow-private-host: goes with --webhook URL" in alone.stderr
    write_config(boo_home, '[automation]\nallow_hosts = ["10.0.0.7"]\n')
    assert owner_cli("automate", "edit", "hook", "--webhook", "http://10.0.0.7/").exit_code == 0
    assert owner_cli.json("automate", "show", "hook")["action_config"]["url"] == "http://10.0.0.7/"


def test_a_run_reaches_the_loopback_server_only_while_allowed(owner_cli, boo_home, server, network):
    def long_answer(handler):
        handler.send_response(200)
        handler.end_headers()
        handler.wfile.write(b"secret-" * 10_000)

    server.routes["/hook"] = long_answer
    write_config(boo_home, '[automation]\nallow_hosts = ["127.0.0.1"]\n')
    assert add(owner_cli, "by-config", "--every", "1h", "--webhook", f"{server.url}/hook").exit_code == 0
    write_config(boo_home, "")  # the config no longer allows it
    refused = owner_cli("automate", "run", "by-config")
    assert refused.exit_code == 1
    assert "refused: 127.0.0.1 is a loopback address" in refused.stderr
    assert server.received == [] and network.connects == []
    run = owner_cli.json("automate", "show", "by-config")["executions"][0]
    assert run["status"] == "failed" and run["error"].startswith("refused: 127.0.0.1")

    write_config(boo_home, '[automation]\nallow_hosts = ["127.0.0.1"]\n')
    assert owner_cli("automate", "run", "by-config").exit_code == 0
    write_config(boo_home, "")
    by_task = add(
        owner_cli, "by-task", "--every", "1h", "--webhook", f"{server.url}/hook", "--allow-private-host"
    )
    assert by_task.exit_code == 0, by_task.stderr
    assert owner_cli("automate", "run", "by-task").exit_code == 0, "allowed by the task alone"
    assert [path for _, path, _ in server.received] == ["/hook", "/hook"]
    for task in ("by-config", "by-task"):
        log = owner_cli.json("automate", "show", task)["executions"][0]["log"]
        assert log["http_status"] == 200
        assert len(log["response"]) == EXCERPT_BYTES and log["response_truncated"] is True
        assert log["response"].startswith("secret-secret-")


def test_a_broken_allow_list_fails_the_run_with_the_reason(owner_cli, boo_home, server):
    assert (
        add(
            owner_cli, "hook", "--every", "1h", "--webhook", f"{server.url}/hook", "--allow-private-host"
        ).exit_code
        == 0
    )
    write_config(boo_home, '[automation]\nallow_hosts = "127.0.0.1"\n')
    result = owner_cli("automate", "run", "hook")
    assert result.exit_code == 1 and "allow_hosts under [automation]" in result.stderr
    assert server.received == []


def test_a_tasks_own_allow_counts_only_for_users_this_machine_trusts(owner_cli, boo_home, server):
    import shutil

    assert (
        add(
            owner_cli, "hook", "--every", "1h", "--webhook", f"{server.url}/hook", "--allow-private-host"
        ).exit_code
        == 0
    )
    shutil.rmtree(boo_home / "state")  # another machine sharing the database: it never created ann
    refused = owner_cli("automate", "run", "hook")
    assert refused.exit_code == 1
    assert "refused: 127.0.0.1 is a loopback address" in refused.stderr
    assert "counts only for users this machine trusts" in refused.stderr
    assert server.received == []
    assert owner_cli("automate", "allow", "ann@example.com").exit_code == 0
    assert owner_cli("automate", "run", "hook").exit_code == 0
    assert [path for _, path, _ in server.received] == ["/hook"]
