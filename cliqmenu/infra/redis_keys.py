"""Where this deployment's keys live in a Redis that others may share."""

from __future__ import annotations

import hashlib

from cliqmenu.settings import get_settings


def redis_namespace() -> str:
    """Deployments sharing one Redis (or CI runs side by side) each have their own truck 1:
    keys are namespaced by the database the deployment uses."""
    return namespace_for(get_settings().database_url)


def namespace_for(database_url: str) -> str:
    return hashlib.sha256(database_url.encode()).hexdigest()[:12]
