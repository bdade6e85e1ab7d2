"""The Owner's kitchen stations (/admin/stations): each truck's stations and where its menu's
categories and items are made."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from cliqmenu.models import MenuCategory, MenuItem
from cliqmenu.services import stations, trucks

# The route choices that are no station of their own.
DEFAULT, SAME = "default", "category"


@dataclass
class StationChip:
    id: int
    name: str
    is_default: bool


@dataclass
class RouteRow:
    """A category (or an item under it) and the station it goes to."""

    truck_id: int
    kind: str  # "category" | "item"
    id: int
    name: str
    value: str  # a station's id, DEFAULT (a category) or SAME (an item: as its category)
    made_at: str  # the station that makes it, in words


@dataclass
class TruckStations:
    truck_id: int
    truck_name: str
    stations: list[StationChip] = field(default_factory=list)
    category_choices: list[list[str]] = field(default_factory=list)
    item_choices: list[list[str]] = field(default_factory=list)
    routes: list[RouteRow] = field(default_factory=list)
    # "Works by stations: each station bumps its items, the expo hands out" or why not.
    mode: str = ""


def _menu(session: Session, business_id: int) -> list[tuple[MenuCategory, list[MenuItem]]]:
    categories = session.exec(
        select(MenuCategory)
        .where(MenuCategory.business_id == business_id, col(MenuCategory.archived).is_(False))
        .order_by(col(MenuCategory.position), col(MenuCategory.id))
    ).all()
    items = session.exec(
        select(MenuItem)
        .where(MenuItem.business_id == business_id, col(MenuItem.archived).is_(False))
        .order_by(col(MenuItem.position), col(MenuItem.id))
    ).all()
    return [(c, [i for i in items if i.category_id == c.id]) for c in categories]


def truck_stations(session: Session, business_id: int) -> list[TruckStations]:
    menu = _menu(session, business_id)
    found = []
    for truck in trucks.list_trucks(session, business_id=business_id):
        rows = stations.list_stations(session, truck.id)
        names = {s.id: s.name for s in rows}
        default = stations.default_station(rows)
        default_name = default.name if default else ""
        routes = stations.routes_of(session, truck.id)
        view = TruckStations(
            truck_id=truck.id,
            truck_name=truck.name,
            stations=[StationChip(s.id, s.name, s.is_default) for s in rows],
            mode=(
                "Works by stations: each station bumps its own items, the expo hands orders out."
                if len(rows) >= 2
                else "One kitchen: add a second station to split orders by station."
            ),
        )
        if rows:
            own = [[str(s.id), s.name] for s in rows]
            view.category_choices = [[DEFAULT, f"Default ({default_name})"], *own]
            view.item_choices = [[SAME, "As its category"], *own]
        for category, items in menu if rows else []:
            at = routes.categories.get(category.id)
            category_at = names.get(at or 0, default_name)
            view.routes.append(
                RouteRow(
                    truck.id,
                    "category",
                    category.id,
                    category.name,
                    str(at) if at in names else DEFAULT,
                    category_at,
                )
            )
            for item in items:
                own_at = routes.items.get(item.id)
                view.routes.append(
                    RouteRow(
                        truck.id,
                        "item",
                        item.id,
                        item.name,
                        str(own_at) if own_at in names else SAME,
                        names.get(own_at or 0, category_at),
                    )
                )
        found.append(view)
    return found
