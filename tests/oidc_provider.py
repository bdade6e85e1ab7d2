"""A local OpenID Connect provider for the tests, built from authlib's own server components.

It serves, on 127.0.0.1 over plain HTTP: discovery (``/.well-known/openid-configuration``),
the JWKS (``/jwks``), an authorize endpoint that approves at once as the configured test user,
and the token endpoint (authorization code with PKCE, client_secret_basic or _post), which
returns an RS256-signed ID token. ``provider.user`` is who signs in next; ``provider.misbehave``
makes the next answers wrong on purpose (a wrong nonce, a changed state, an error).

    with LocalProvider(redirect_uri) as provider:
        provider.user = TestUser("mia@example.com")
        ...
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey

# Plain HTTP on 127.0.0.1 is the point of a local provider; authlib's server refuses it otherwise.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

CLIENT_ID = "cliqmenu-test-client"
CLIENT_SECRET = "cliqmenu-test-secret"


@dataclass
class TestUser:
    """Who the provider says signed in."""

    __test__ = False  # not a pytest test class

    email: str
    email_verified: bool = True
    name: str = "Test Person"

    @property
    def sub(self) -> str:
        return "sub-" + self.email


@dataclass
class Misbehave:
    """Wrong answers on purpose, to see the app refuse them."""

    wrong_nonce: bool = False  # the ID token carries another nonce
    changed_state: bool = False  # the redirect back carries another state
    error: str = ""  # the redirect back carries ?error=<this> instead of a code
    audience: str = ""  # the ID token is issued to this other client


@dataclass
class _Client(ClientMixin):
    redirect_uri: str

    def get_client_id(self) -> str:
        return CLIENT_ID

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in ("openid", "email", "profile"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == CLIENT_SECRET

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class _Code:
    code: str
    redirect_uri: str
    scope: str
    nonce: str | None
    user: TestUser
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Request(OAuth2Request):
    def __init__(self, method: str, url: str, headers, params: dict[str, list[str]]):
        super().__init__(method=method, uri=url, headers=headers)
        flat = {key: values[0] for key, values in params.items()}
        self.payload = BasicOAuth2Payload(flat)
        self._params = flat

    @property
    def args(self) -> dict[str, str]:
        return self._params

    @property
    def form(self) -> dict[str, str]:
        return self._params


class LocalProvider:
    """The provider, serving in a thread of this process until ``close()``."""

    def __init__(
        self, redirect_uri: str, *, host: str = "127.0.0.1", approve_in_page: bool = False
    ) -> None:
        """Serve on 127.0.0.1; ``host`` is the name in its URLs ("localhost" makes the provider
        another site than an app on 127.0.0.1, as a real provider is). With ``approve_in_page``
        the authorize endpoint answers with a page of its own that sends the browser back (as
        a real provider's sign-in page does), instead of redirecting at once: the way back is
        then a navigation the provider's site starts, which SameSite cookies see as cross-site.
        """
        self.approve_in_page = approve_in_page
        self.user = TestUser("nobody@example.com")
        self.misbehave = Misbehave()
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.client = _Client(redirect_uri)
        self.codes: dict[str, _Code] = {}
        self.issued: list[str] = []  # every access token handed out (to look for them later)
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://{host}:{self.http.server_address[1]}"
        self.server = self._authorization_server()
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()

    def __enter__(self) -> LocalProvider:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name", "nonce"],
        }

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):
            def query_client(self, client_id: str):
                return provider.client if client_id == CLIENT_ID else None

            def save_token(self, token, request) -> None:
                provider.issued.append(token["access_token"])

            def create_oauth2_request(self, request):
                return request

            def handle_response(self, status, body, headers):
                return status, body, headers

            def send_signal(self, name, *args, **kwargs) -> None:
                pass

        class CodeGrant(AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, request) -> None:
                payload = request.payload
                provider.codes[code] = _Code(
                    code=code,
                    redirect_uri=payload.redirect_uri,
                    scope=payload.scope,
                    nonce=payload.data.get("nonce"),
                    user=request.user,
                    code_challenge=payload.data.get("code_challenge"),
                    code_challenge_method=payload.data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code: str, client):
                return provider.codes.get(code)

            def delete_authorization_code(self, authorization_code: _Code) -> None:
                provider.codes.pop(authorization_code.code, None)  # a code works once

            def authenticate_user(self, authorization_code: _Code) -> TestUser:
                return authorization_code.user

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce: str, request) -> bool:
                return False

            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_claims(self, client) -> dict:
                return {"iss": provider.issuer, "aud": [provider.misbehave.audience or CLIENT_ID]}

            def get_encode_header(self, client) -> dict:
                return {"alg": "RS256", "kid": "test-key"}

            def get_authorization_code_claims(self, authorization_code: _Code) -> dict:
                claims = super().get_authorization_code_claims(authorization_code)
                if provider.misbehave.wrong_nonce:
                    claims["nonce"] = "not-the-nonce-you-sent"
                return claims

            def generate_user_info(self, user: TestUser, scope: str) -> UserInfo:
                return UserInfo(
                    sub=user.sub,
                    name=user.name,
                    email=user.email,
                    email_verified=user.email_verified,
                )

        server = Server()
        server.register_token_generator(
            "default", BearerTokenGenerator(lambda *args, **kwargs: generate_token(42))
        )
        server.register_grant(
            CodeGrant, [IdToken(require_nonce=True), CodeChallenge(required=True)]
        )
        return server

    def authorize(self, request: _Request) -> tuple[int, str, list[tuple[str, str]]]:
        """Approve at once as ``self.user``, or answer as ``self.misbehave`` says."""
        if self.misbehave.error:
            location = (
                request.payload.redirect_uri
                + "?"
                + urlencode({"error": self.misbehave.error, "state": request.payload.state or ""})
            )
            return self._answer(302, "", [("Location", location)])
        grant = self.server.get_consent_grant(request)
        status, body, headers = self.server.create_authorization_response(
            request, grant_user=self.user, grant=grant
        )
        if self.misbehave.changed_state:
            headers = [
                (name, value.replace(f"state={request.payload.state}", "state=changed-by-someone"))
                for name, value in headers
            ]
        return self._answer(status, body, headers)

    def _answer(self, status: int, body: str, headers: list) -> tuple[int, str, list]:
        """The redirect back, at once or (``approve_in_page``) by a page of the provider's own."""
        location = dict(headers).get("Location")
        if not self.approve_in_page or status != 302 or not location:
            return status, body, headers
        page = (
            f"<!doctype html><title>Test ID</title><p>Signing you in as {self.user.email}</p>"
            f"<script>window.location.replace({json.dumps(location)})</script>"
        )
        return 200, page, [("Content-Type", "text/html; charset=utf-8")]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _request(self, params: dict[str, list[str]]) -> _Request:
                return _Request(self.command, provider.issuer + self.path, self.headers, params)

            def _send(self, status: int, body, headers=()) -> None:
                data = json.dumps(body) if isinstance(body, dict) else (body or "")
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if isinstance(body, dict):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data.encode())))
                self.end_headers()
                self.wfile.write(data.encode())

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, provider.metadata())
                elif url.path == "/jwks":
                    self._send(200, {"keys": [provider.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    self._send(*provider.authorize(self._request(_params(url.query))))
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                if urlsplit(self.path).path != "/token":
                    self._send(404, {"error": "not_found"})
                    return
                length = int(self.headers.get("Content-Length", 0))
                form = _params(self.rfile.read(length).decode())
                self._send(*provider.server.create_token_response(self._request(form)))

            def log_message(self, *args) -> None:
                pass

        return Handler


def _params(query: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for key, value in parse_qsl(query, keep_blank_values=True):
        found[key].append(value)
    return dict(found)
