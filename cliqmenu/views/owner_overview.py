"""The Owner's overview (/admin): the first steps of setting up, and each truck's day so far."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Step:
    title: str
    detail: str
    href: str
    done: bool


@dataclass
class TruckToday:
    name: str
    slug: str
    busy: bool
    orders: int
    net: str
