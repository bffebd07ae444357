"""The gateways' side of the Wi-Fi tests, written from shared/reference/captive-portal.md (not
from our decoders): how openNDS, CoovaChilli, Meraki, UniFi and MikroTik build the redirect to
the splash server, check a grant, and a fake UniFi controller and fake gateways as local HTTP
servers."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

FASKEY = "8b5c9f0e1d2a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c"  # 64 hex as advised


def sha256hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def opennds_hid() -> str:
    """hid = sha256hex(token), token = "%04hx%04hx" of two random 16-bit values."""
    a, b = os.urandom(2), os.urandom(2)
    token = f"{int.from_bytes(a, 'big'):04x}{int.from_bytes(b, 'big'):04x}"
    return sha256hex(token)


def opennds_query(*, hid: str, gatewayname: str, gatewayaddress: str = "192.168.8.1:2050",
                  originurl: str = "http://example.com/", level: int = 1,
                  custom: str = "") -> str:
    """The decoded FAS query: ", "-separated fields in source order; gatewayname, gatewayurl
    and originurl URL-encoded; authdir only at levels 2/3."""
    fields = [("hid", hid), ("clientip", "192.168.8.23"), ("clientmac", "aa:bb:cc:dd:ee:01"),
              ("client_type", "cpd_can"), ("cpi_query", ""),
              ("gatewayname", quote(gatewayname, safe="")),
              ("gatewayurl", quote("http://status.client", safe="")), ("version", "10.3.0"),
              ("gatewayaddress", gatewayaddress), ("gatewaymac", "001122334455")]
    if level in (2, 3):
        fields.append(("authdir", "opennds_auth"))
    fields += [("originurl", quote(originurl, safe="")), ("clientif", "br-lan"),
               ("themespec", "")]
    text = ", ".join(f"{k}={v}" for k, v in fields)
    return text + (", " + custom if custom else "")


def opennds_level1_url(fas_url: str, query: str) -> str:
    """``<fas_url>?fas=<base64(query)>`` (levels 1 and 4), not URL-encoded."""
    return f"{fas_url}?fas={base64.b64encode(query.encode()).decode()}"


def php_openssl_encrypt_b64(plain: str, key: str, iv: str) -> str:
    """PHP openssl_encrypt(plain, "aes-256-cbc", key, 0, iv): key NUL-padded/truncated to 32
    bytes, PKCS#7, output base64 (options = 0)."""
    key_bytes = key.encode()[:32].ljust(32, b"\0")
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key_bytes), modes.CBC(iv.encode())).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def opennds_level2_url(fas_url: str, query: str, faskey: str = FASKEY) -> str:
    """``?fas=base64(openssl_encrypt(...))&iv=<iv>``: base64 twice, iv = first 16 hex chars of
    sha256(base64(8 random bytes)), neither URL-encoded."""
    iv = sha256hex(base64.b64encode(os.urandom(8)).decode())[:16]
    cipher = php_openssl_encrypt_b64(query, faskey, iv)
    return f"{fas_url}?fas={base64.b64encode(cipher.encode()).decode()}&iv={iv}"


def coova_url(uamserver: str, uamsecret: str, *, challenge: str, nasid: str = "",
              called: str = "00-11-22-33-44-55", mac: str = "AA-BB-CC-DD-EE-02",
              userurl: str = "http://example.com/", uamip: str = "10.1.0.1",
              extra: str = "") -> str:
    """Chilli's redirect: parameters in emitted order, then ``&md=`` = upper-case hex MD5 of the
    URL built so far followed by uamsecret."""
    url = (f"{uamserver}?res=notyet&uamip={uamip}&uamport=3990&challenge={challenge}"
           f"&called={called}&mac={mac}&ip=10.1.0.23"
           + (f"&nasid={quote(nasid, safe='')}" if nasid else "")
           + f"&userurl={quote(userurl, safe='')}" + extra)
    md = hashlib.md5((url + uamsecret).encode()).hexdigest().upper()
    return f"{url}&md={md}"


def coova_expected_response(challenge: str, uamsecret: str, password: str) -> str:
    """What Chilli accepts at /logon: CHAP over MD5(hex2bin(challenge) || uamsecret)."""
    newchal = hashlib.md5(bytes.fromhex(challenge) + uamsecret.encode()).digest()
    return hashlib.md5(b"\0" + password.encode() + newchal).hexdigest()


def meraki_query(base_grant_url: str, *, node_mac: str = "88:15:44:aa:bb:01",
                 continue_url: str = "http://example.com/") -> str:
    from urllib.parse import urlencode

    return urlencode({"base_grant_url": base_grant_url, "user_continue_url": continue_url,
                      "node_id": "149624921787028", "node_mac": node_mac,
                      "gateway_id": "149624921787028", "client_ip": "10.110.154.195",
                      "client_mac": "60:e3:ac:f7:48:08"})


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def origin(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


class FakeUnifi:
    """A UniFi Network API written from the UniFi help article: GET clients by MAC, POST an
    action; the API key must be sent as X-API-KEY."""

    def __init__(self, api_key: str, site_id: str) -> None:
        self.api_key = api_key
        self.site_id = site_id
        self.clients: dict[str, dict[str, object]] = {}
        self.actions: list[tuple[str, dict[str, object]]] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("X-API-KEY") != fake.api_key:
                    self._send(401, {"statusCode": 401, "message": "Unauthorized"})
                    return False
                return True

            def do_GET(self) -> None:  # noqa: N802
                if not self._authorised():
                    return
                parts = urlsplit(self.path)
                if parts.path != f"/v1/sites/{fake.site_id}/clients":
                    self._send(404, {"message": "not found"})
                    return
                wanted = parse_qs(parts.query).get("filter", [""])[0]
                data = [c for mac, c in fake.clients.items() if f"'{mac}'" in wanted]
                self._send(200, {"offset": 0, "limit": 25, "count": len(data),
                                 "totalCount": len(data), "data": data})

            def do_POST(self) -> None:  # noqa: N802
                if not self._authorised():
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                prefix = f"/v1/sites/{fake.site_id}/clients/"
                if not self.path.startswith(prefix) or not self.path.endswith("/actions"):
                    self._send(404, {"message": "not found"})
                    return
                client_id = self.path[len(prefix):-len("/actions")]
                fake.actions.append((client_id, body))
                for client in fake.clients.values():
                    if client["id"] == client_id and body.get("action") == \
                            "AUTHORIZE_GUEST_ACCESS":
                        client["access"] = {"type": "GUEST", "authorized": True}
                self._send(200, {"action": body.get("action")})

        return Handler


class GrantRecorder:
    """A fake gateway grant endpoint (openNDS auth dir, Meraki grant URL): records each request
    and sends the browser on to its redirect parameter, as the gateways do."""

    def __init__(self, *, redirect_param: str) -> None:
        self.redirect_param = redirect_param
        self.requests: list[dict[str, list[str]]] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                query = parse_qs(urlsplit(self.path).query)
                recorder.requests.append(query)
                target = query.get(recorder.redirect_param, [""])[0]
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler
