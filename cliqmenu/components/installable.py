"""What makes CliqMenu an installable app: the manifest, the icons and the service worker.

The files live in assets/ (served at the root): manifest.webmanifest, icons/, sw.js, pwa.js
(registers sw.js), push.js (Web Push on this device) and offline.html. These tags go into the head of every page.
"""

from __future__ import annotations

import reflex as rx

THEME_COLOUR = "#ea580c"


def installable_head() -> list[rx.Component]:
    return [
        rx.el.meta(name="theme-color", content=THEME_COLOUR),
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        rx.el.link(rel="icon", type="image/png", sizes="32x32", href="/icons/favicon-32.png"),
        rx.el.link(rel="apple-touch-icon", sizes="180x180", href="/icons/apple-touch-icon.png"),
        rx.el.meta(name="mobile-web-app-capable", content="yes"),
        rx.el.meta(name="apple-mobile-web-app-capable", content="yes"),
        rx.el.meta(name="apple-mobile-web-app-title", content="CliqMenu"),
        rx.script(src="/pwa.js"),
        rx.script(src="/push.js"),
    ]
