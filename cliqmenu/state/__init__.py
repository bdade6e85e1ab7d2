"""Reflex states: thin. Authenticate, authorize, call a service, map results to view models."""
