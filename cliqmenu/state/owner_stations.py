"""/admin/stations: each truck's kitchen stations and where its menu is made."""

from __future__ import annotations

import reflex as rx

from cliqmenu.db import read_scope, session_scope
from cliqmenu.realtime import Audience, kitchen_audiences, publish_soon
from cliqmenu.services import stations
from cliqmenu.services.errors import DomainError, Forbidden
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.views.stations import DEFAULT, SAME, TruckStations, truck_stations


def _publish_kitchen(truck_id: int) -> None:
    """The truck's kitchen displays and expo: their station pickers changed."""
    with read_scope() as session:
        ids = [s.id for s in stations.list_stations(session, truck_id)]
    publish_soon(Audience("kitchen", truck_id), *kitchen_audiences(truck_id, ids))


class StationsState(rx.State):
    trucks: list[TruckStations] = []
    editing: bool = False
    is_new: bool = True
    f_name: str = ""
    form_error: str = ""
    dialog_truck: str = ""
    _truck_id: int = 0
    _station_id: int | None = None

    def _refresh(self, business_id: int) -> None:
        with read_scope() as session:
            self.trucks = truck_stations(session, business_id)

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        self.editing = False
        self._refresh(member.business_id)
        return None

    @rx.event
    def start_new(self, truck_id: int, truck_name: str):
        self._truck_id, self._station_id = int(truck_id), None
        self.is_new, self.f_name, self.form_error = True, "", ""
        self.dialog_truck, self.editing = str(truck_name), True

    @rx.event
    def start_rename(self, truck_id: int, station_id: int, name: str):
        self._truck_id, self._station_id = int(truck_id), int(station_id)
        self.is_new, self.f_name, self.form_error = False, str(name), ""
        self.editing = True

    @rx.event
    def set_editing(self, value: bool):
        self.editing = bool(value)

    @rx.event
    def set_f_name(self, value: str):
        self.f_name = str(value)[:100]

    @rx.event
    async def save(self, _form: dict | None = None):
        try:
            actor = await owner(self)
            with session_scope() as session:
                if self._station_id is None:
                    station = stations.add_station(
                        session, actor=actor, truck_id=self._truck_id, name=self.f_name
                    )
                else:
                    station = stations.rename_station(
                        session, actor=actor, station_id=self._station_id, name=self.f_name
                    )
                name = station.name
        except DomainError as error:
            if isinstance(error, Forbidden):
                return refuse(error)
            self.form_error = str(error)
            return None
        added = self._station_id is None
        self.editing = False
        self._refresh(actor.business_id)
        _publish_kitchen(self._truck_id)
        return rx.toast.success(f"Station {name} {'added' if added else 'saved'}.")

    async def _change(self, truck_id: int, change) -> object:
        try:
            actor = await owner(self)
            with session_scope() as session:
                done = change(session, actor)
        except DomainError as error:
            return refuse(error)
        self._refresh(actor.business_id)
        _publish_kitchen(int(truck_id))
        return done

    @rx.event
    async def make_default(self, truck_id: int, station_id: int):
        result = await self._change(
            truck_id,
            lambda s, a: stations.make_default(s, actor=a, station_id=int(station_id)).name,
        )
        return (
            result
            if not isinstance(result, str)
            else rx.toast.success(f"Items no route sends elsewhere now go to {result}.")
        )

    @rx.event
    async def remove(self, truck_id: int, station_id: int):
        result = await self._change(
            truck_id, lambda s, a: stations.remove_station(s, actor=a, station_id=int(station_id))
        )
        return (
            result
            if not isinstance(result, str)
            else rx.toast.success(f"Station {result} removed; its items go to the default station.")
        )

    @rx.event
    async def set_route(self, truck_id: int, kind: str, row_id: int, value: str):
        station_id = None if value in (DEFAULT, SAME) else int(value)
        what = {"category_id" if kind == "category" else "item_id": int(row_id)}
        result = await self._change(
            truck_id,
            lambda s, a: stations.route(
                s, actor=a, truck_id=int(truck_id), station_id=station_id, **what
            ),
        )
        return result
