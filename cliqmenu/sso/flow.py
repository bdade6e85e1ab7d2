"""The OpenID Connect authorization code flow with PKCE, through authlib's OAuth 2 client.

``start`` makes the provider's authorize URL and a *pending* value (state, nonce, PKCE
verifier) that the browser keeps for at most ten minutes in a signed, HttpOnly cookie scoped
to /api/sso. ``finish`` checks the state against it, exchanges the code and verifies the ID
token (signature from the provider's JWKS, iss, aud, exp, iat, nonce) and returns only the
verified email. The provider's tokens are never stored: they live in local variables here.
"""

from __future__ import annotations

import hmac
import secrets
import ssl
import time
import warnings
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache

import httpx
from authlib.common.security import generate_token
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.base_client import OAuthError

with warnings.catch_warnings():
    # authlib would rather have httpx2; the httpx the app already uses works the same.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import KeySet, OctKey

from cliqmenu.services.sign_in_refusals import SignInRefused
from cliqmenu.settings import get_settings
from cliqmenu.sso.providers import Provider

ROUTES = "/api/sso"
PENDING_COOKIE = "cliq_sso"
PENDING_SECONDS = 600
SCOPE = "openid email profile"
HTTP_TIMEOUT_S = 10
DISCOVERY_CACHE_S = 3600
CLOCK_LEEWAY_S = 120
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
_discovered: dict[str, tuple[float, dict]] = {}


@dataclass(frozen=True)
class Started:
    authorize_url: str
    pending: str  # the cookie value that ``finish`` needs back


def callback_url(provider: Provider) -> str:
    """The redirect URI to register with the provider."""
    return f"{get_settings().public_url.rstrip('/')}{ROUTES}/{provider.key}/callback"


def start_url(provider: Provider) -> str:
    return f"{get_settings().public_url.rstrip('/')}{ROUTES}/{provider.key}/start"


def _key() -> OctKey:
    return OctKey.import_key(get_settings().signing_key())


@lru_cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every call to a provider (making one costs tens of milliseconds)."""
    return httpx.create_ssl_context()


async def _get_json(url: str) -> dict:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S, verify=_tls()) as http:
            response = await http.get(url)
            response.raise_for_status()
            return response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise SignInRefused("unreachable", f"{url}: {error}") from None


async def _key_set(url: str) -> KeySet:
    """The provider's signing keys (its JWKS document)."""
    keys = (await _get_json(url)).get("keys")
    if not isinstance(keys, list):
        raise SignInRefused("unreachable", f"{url}: no keys")
    return KeySet.import_key_set({"keys": keys})


async def discover(provider: Provider) -> dict:
    """The provider's OpenID configuration, kept for an hour."""
    cached = _discovered.get(provider.discovery_url)
    if cached and time.monotonic() - cached[0] < DISCOVERY_CACHE_S:
        return cached[1]
    metadata = await _get_json(provider.discovery_url)
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if any(not metadata.get(name) for name in needed):
        raise SignInRefused("unreachable", f"{provider.discovery_url} lacks {needed}")
    _discovered[provider.discovery_url] = (time.monotonic(), metadata)
    return metadata


@asynccontextmanager
async def _client(provider: Provider, metadata: dict) -> AsyncIterator[AsyncOAuth2Client]:
    """An OAuth client for one exchange with the provider, closed after it."""
    client = _new_client(provider, metadata)
    try:
        yield client
    finally:
        # authlib builds its client on the httpx the app uses when httpx2 is absent (its _compat
        # module); the type checker cannot follow that import, the isinstance check can.
        if isinstance(client, httpx.AsyncClient):
            await client.aclose()


def _new_client(provider: Provider, metadata: dict) -> AsyncOAuth2Client:
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=SCOPE,
        redirect_uri=callback_url(provider),
        code_challenge_method="S256",
        token_endpoint_auth_method=method,
        timeout=HTTP_TIMEOUT_S,
        verify=_tls(),
    )


async def start(provider: Provider) -> Started:
    """Where to send the browser, and the pending value to keep in its cookie."""
    metadata = await discover(provider)
    state, nonce, verifier = (
        secrets.token_urlsafe(24),
        secrets.token_urlsafe(24),
        generate_token(64),
    )
    async with _client(provider, metadata) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
        )
    claims = {
        "purpose": "sso",
        "provider": provider.key,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "exp": int(time.time()) + PENDING_SECONDS,
    }
    return Started(url, jwt.encode({"alg": "HS256"}, claims, _key()))


def _pending(provider: Provider, value: str | None) -> dict:
    """The pending sign-in this browser started with this provider, if it is still good."""
    try:
        claims = jwt.decode(value or "", _key()).claims
        jwt.JWTClaimsRegistry(exp={"essential": True}).validate(claims)
    except (JoseError, ValueError):
        raise SignInRefused("expired") from None
    if claims.get("purpose") != "sso" or claims.get("provider") != provider.key:
        raise SignInRefused("expired")
    return claims


async def finish(provider: Provider, *, params: Mapping[str, str], pending: str | None) -> str:
    """The verified email the provider vouches for, from its redirect back to us."""
    if params.get("error"):
        raise SignInRefused("provider_error", params["error"])
    expected = _pending(provider, pending)
    if not hmac.compare_digest(params.get("state", ""), expected["state"]):
        raise SignInRefused("state")
    if not params.get("code"):
        raise SignInRefused("provider_error", "no code")
    metadata = await discover(provider)
    try:
        async with _client(provider, metadata) as client:
            token = await client.fetch_token(
                metadata["token_endpoint"], code=params["code"], code_verifier=expected["verifier"]
            )
    except OAuthError as error:
        raise SignInRefused("provider_error", str(error)) from None
    except httpx.HTTPError as error:
        raise SignInRefused("unreachable", str(error)) from None
    claims = await verified_id_token(provider, metadata, token.get("id_token"), expected["nonce"])
    return verified_email(provider, claims)


def _issuers(provider: Provider, metadata: dict, claims: dict) -> list[str]:
    issuer = metadata["issuer"]
    if provider.kind == "microsoft" and "{tenantid}" in issuer:
        # The common/organizations endpoints name the signed-in account's own tenant.
        return [issuer.replace("{tenantid}", str(claims.get("tid", "")))]
    if provider.kind == "google":
        return [issuer, "accounts.google.com"]
    return [issuer]


async def verified_id_token(
    provider: Provider, metadata: dict, id_token: str | None, nonce: str
) -> dict:
    """The ID token's claims once its signature, issuer, audience, times and nonce all check."""
    if not id_token:
        raise SignInRefused("invalid_token", "no id_token")
    keys = await _key_set(metadata["jwks_uri"])
    try:
        claims = jwt.decode(id_token, keys, algorithms=ID_TOKEN_ALGORITHMS).claims
        jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_S,
            iss={"essential": True, "values": _issuers(provider, metadata, claims)},
            aud={"essential": True, "value": provider.client_id},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(claims)
    except (InvalidClaimError, MissingClaimError) as error:
        reason = "nonce" if getattr(error, "claim", "") == "nonce" else "invalid_token"
        raise SignInRefused(reason, str(error)) from None
    except (JoseError, ValueError) as error:
        raise SignInRefused("invalid_token", str(error)) from None
    audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audience) > 1 and claims.get("azp") != provider.client_id:
        raise SignInRefused("invalid_token", "azp is not this client")
    return claims


def _true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def verified_email(provider: Provider, claims: dict) -> str:
    """The token's email, if the provider says it verified it (Microsoft: ``xms_edov``)."""
    email = str(claims.get("email") or "").strip()
    if not email:
        raise SignInRefused("no_email")
    verified = claims.get("email_verified")
    if verified is None and provider.kind == "microsoft":
        verified = claims.get("xms_edov")
    if not _true(verified):
        raise SignInRefused("unverified")
    return email
