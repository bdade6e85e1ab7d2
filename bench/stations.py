"""Kitchen stations: each truck with three station displays (Grill, Fryer, Drinks) and an expo.

Per truck: an Order Manager screen, the three stations and the expo (simulated screens, signed
in as the truck's Kitchen Staff, the station chosen on the device). Orders of fries only (routed
to the Fryer) are placed through the order API and accepted as the manager's button does, the
trucks side by side. Measured: time from the Accept to the Fryer's display and the expo showing
the order; server CPU per Accept; and what reached the Grill's and the Drinks' displays
meanwhile: a change is pushed only to the stations that make something of the order, so they
get nothing but their heartbeats' answers.

    python -m bench.realtime --shapes stations [--mode redis2]
"""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlmodel import Session, select

from bench.fleet import BenchTruck, place_order
from bench.kds_latency import accept
from bench.screens import Page, Screen, close_all, open_all, wait_for
from cliqmenu.db import make_engine
from cliqmenu.models import MenuItem, Role, Truck
from cliqmenu.services import records, stations
from tests import factories

NAMES = ("Grill", "Fryer", "Drinks")


def seed_stations(db_url: str, trucks: list[BenchTruck]) -> dict[int, dict[str, int]]:
    """Grill (the default), Fryer (the fries) and Drinks at each truck; their ids by name."""
    engine = make_engine(db_url)
    made: dict[int, dict[str, int]] = {}
    try:
        with Session(engine) as session:
            for bench_truck in trucks:
                truck = session.exec(select(Truck).where(Truck.id == bench_truck.id)).one()
                owner = factories.make_member(
                    session,
                    business=records.business(session, truck.business_id),
                    role=Role.OWNER,
                )
                ids = {
                    name: stations.add_station(
                        session, actor=owner, truck_id=truck.id, name=name
                    ).id
                    for name in NAMES
                }
                fries = session.exec(select(MenuItem).where(MenuItem.id == bench_truck.item_id))
                stations.route(
                    session,
                    actor=owner,
                    truck_id=truck.id,
                    station_id=ids["Fryer"],
                    item_id=fries.one().id,
                )
                made[truck.id] = ids
            session.commit()
    finally:
        engine.dispose()
    return made


async def one_truck(
    server, truck: BenchTruck, ids: dict[str, int], orders: int
) -> tuple[list[float], int]:
    """Accept ``orders`` orders at one truck; (latencies ms to the Fryer and the expo, messages
    the Grill's and the Drinks' displays received meanwhile beyond their beats' answers)."""
    base = server.base_url
    manager = Screen(base, Page.manage(), truck.manager_token)
    kitchen = {
        name: Screen(base, Page.kds(), truck.kitchen_token, station=str(ids[name]))
        for name in NAMES
    }
    expo = Screen(base, Page.expo(), truck.kitchen_token, station="expo")
    screens = [manager, *kitchen.values(), expo]
    await open_all(screens)
    untouched = [kitchen["Grill"], kitchen["Drinks"]]
    before = sum(s.messages for s in untouched)
    beats_before = time.perf_counter()
    latencies: list[float] = []
    watchers = [kitchen["Fryer"], expo]
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for _ in range(orders):
            number = await place_order(http, truck)
            clicked, _epoch = await accept(manager, number)
            assert await wait_for(lambda n=number: all(n in w.seen for w in watchers), 30), (
                f"order {number} missing at the Fryer or the expo"
            )
            latencies += [(w.seen[number] - clicked) * 1000 for w in watchers]
            assert all(number not in s.seen for s in untouched), "pushed to a station not in it"
    # A beat answered sends one script call per 5 s per screen: those are not pushes.
    beats = int((time.perf_counter() - beats_before) / 5 + 1) * len(untouched)
    extra = max(0, sum(s.messages for s in untouched) - before - beats)
    await close_all(screens)
    return latencies, extra


async def stations_shape(
    server, trucks: list[BenchTruck], orders: int
) -> tuple[list[float], float, int, float]:
    """(latencies ms, server CPU ms per Accept (opening the screens included), extra messages
    to the untouched stations, seconds)."""
    ids = await asyncio.to_thread(seed_stations, server.db_url, trucks)
    cpu_before, started = server.cpu_seconds(), time.perf_counter()
    results = await asyncio.gather(*(one_truck(server, t, ids[t.id], orders) for t in trucks))
    busy = time.perf_counter() - started
    cpu = server.cpu_seconds() - cpu_before
    latencies = [ms for found, _ in results for ms in found]
    extra = sum(e for _, e in results)
    return latencies, cpu * 1000 / (orders * len(trucks)), extra, busy
