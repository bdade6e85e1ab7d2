"""Signing in with an identity provider (OpenID Connect): which providers, and the flow."""
