"""/admin/menu: the Owner edits the master menu. Every change reaches every truck's menu live."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import session_scope
from cliqmenu.models import StaffMember
from cliqmenu.realtime import Audience, publish_soon
from cliqmenu.services import menu_admin, money, records
from cliqmenu.services.errors import DomainError
from cliqmenu.services.menu_admin import ItemFields
from cliqmenu.state.auth import OWNER_ONLY, authorize, refuse
from cliqmenu.state.owner_access import owner_or_redirect
from cliqmenu.views.menu_editor import CategoryRow, GroupRow, ItemRow, menu_editor_view


def _int(form: dict, key: str, what: str) -> int:
    text = str(form.get(key, "")).strip()
    if not text.lstrip("-").isdigit():
        raise DomainError(f"{what} must be a whole number.")
    return int(text)


class MenuEditorState(rx.State):
    business_name: str = ""
    categories: list[CategoryRow] = []
    category_id: int = 0
    items: list[ItemRow] = []
    item_id: int = 0
    item_form: dict[str, str] = {}
    item_archived: bool = False
    photo_url: str = ""
    groups: list[GroupRow] = []
    show_archived: bool = False
    # Bumped after every change so forms showing saved values re-mount with them.
    version: int = 0
    _business_id: int = 0
    # How the business writes amounts (currency, country): prices typed here are read alike.
    _money_style: tuple[str, str] = ("AUD", "AU")

    @rx.var
    def category_choices(self) -> list[list[str]]:
        return [[str(c.id), c.name] for c in self.categories if not c.archived]

    @rx.var
    def category_name(self) -> str:
        return next((c.name for c in self.categories if c.id == self.category_id), "")

    @rx.var
    def category_archived(self) -> bool:
        return next((c.archived for c in self.categories if c.id == self.category_id), False)

    def _refresh(self, session: Session) -> None:
        """Rebuild every list from the database, keeping the selection when it still exists."""
        business = records.business(session, self._business_id)
        self.business_name = business.name
        self._money_style = (business.currency, business.country)
        view = menu_editor_view(
            menu_admin.master_menu(session, business_id=self._business_id),
            self._style(),
            category_id=self.category_id,
            item_id=self.item_id,
            show_archived=self.show_archived,
        )
        self.categories, self.category_id, self.items = (
            view.categories,
            view.category_id,
            view.items,
        )
        self.item_id, self.item_archived, self.item_form = (
            view.item_id,
            view.item_archived,
            view.item_form,
        )
        self.photo_url, self.groups = view.photo_url, view.groups
        self.version += 1

    async def _change(
        self,
        action: Callable[[Session, StaffMember], object],
        done: str = "",
        *,
        publish: bool = True,
    ):
        """Authorize the Owner, run ``action`` in one transaction, refresh and publish menus."""
        try:
            member = await authorize(self, OWNER_ONLY)
            self._business_id = member.business_id
            with session_scope() as session:
                action(session, member)
            with session_scope() as session:
                truck_ids = menu_admin.business_truck_ids(session, business_id=member.business_id)
                self._refresh(session)
        except DomainError as error:
            return refuse(error)
        if publish:
            publish_soon(
                *(Audience(kind, truck_id) for truck_id in truck_ids for kind in ("menu", "stock"))
            )
        return rx.toast.success(done, duration=2500) if done else None

    def _style(self) -> money.MoneyStyle:
        return money.MoneyStyle(*self._money_style)

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        self._business_id = member.business_id
        with session_scope() as session:
            self._refresh(session)
        return None

    @rx.event
    async def set_show_archived(self, value: bool):
        self.show_archived = bool(value)
        return await self._change(lambda session, member: None, publish=False)

    @rx.event
    async def select_category(self, category_id: int):
        self.category_id, self.item_id = int(category_id), 0
        return await self._change(lambda session, member: None, publish=False)

    @rx.event
    async def select_item(self, item_id: int):
        self.item_id = int(item_id)
        return await self._change(lambda session, member: None, publish=False)

    @rx.event
    async def add_category(self, form: dict):
        name = str(form.get("name", ""))

        def action(session: Session, member: StaffMember) -> None:
            category = menu_admin.create_category(session, actor=member, name=name)
            self.category_id, self.item_id = category.id, 0

        result = await self._change(action, "Category added.")
        return [rx.set_value("new-category", ""), result] if result is not None else None

    @rx.event
    async def rename_category(self, form: dict):
        name = str(form.get("name", ""))
        category_id = self.category_id
        return await self._change(
            lambda session, member: menu_admin.rename_category(
                session, actor=member, category_id=category_id, name=name
            ),
            "Category renamed.",
        )

    @rx.event
    async def move_category(self, category_id: int, direction: int):
        return await self._change(
            lambda session, member: menu_admin.move_category(
                session, actor=member, category_id=int(category_id), direction=int(direction)
            )
        )

    @rx.event
    async def archive_category(self, category_id: int, archived: bool):
        return await self._change(
            lambda session, member: menu_admin.set_category_archived(
                session, actor=member, category_id=int(category_id), archived=bool(archived)
            ),
            "Category archived." if archived else "Category restored.",
        )

    @rx.event
    async def add_item(self, form: dict):
        category_id = self.category_id

        def action(session: Session, member: StaffMember) -> None:
            item = menu_admin.create_item(
                session,
                actor=member,
                fields=ItemFields(
                    category_id=category_id,
                    name=str(form.get("name", "")),
                    price_cents=self._style().parse(form.get("price"), what="Price"),
                ),
            )
            self.item_id = item.id

        result = await self._change(action, "Item added: add a photo and details on the right.")
        if result is not None and self.item_id:
            return [rx.set_value("new-item-name", ""), rx.set_value("new-item-price", ""), result]
        return result

    @rx.event
    async def save_item(self, form: dict):
        item_id = self.item_id

        def action(session: Session, member: StaffMember) -> None:
            category = str(form.get("category_id", "")).strip()
            menu_admin.update_item(
                session,
                actor=member,
                item_id=item_id,
                fields=ItemFields(
                    category_id=int(category) if category.isdigit() else 0,
                    name=str(form.get("name", "")),
                    price_cents=self._style().parse(form.get("price"), what="Price"),
                    description=str(form.get("description", "")),
                    dietary_tags=str(form.get("dietary_tags", "")),
                    allergens=str(form.get("allergens", "")),
                ),
            )
            self.category_id = int(category) if category.isdigit() else self.category_id

        return await self._change(action, "Item saved.")

    @rx.event
    async def move_item(self, item_id: int, direction: int):
        return await self._change(
            lambda session, member: menu_admin.move_item(
                session, actor=member, item_id=int(item_id), direction=int(direction)
            )
        )

    @rx.event
    async def archive_item(self, item_id: int, archived: bool):
        return await self._change(
            lambda session, member: menu_admin.set_item_archived(
                session, actor=member, item_id=int(item_id), archived=bool(archived)
            ),
            "Item archived: past orders keep it." if archived else "Item restored.",
        )

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]):
        """Store the dropped photo under Reflex's upload dir and put it on the selected item."""
        try:
            await authorize(self, OWNER_ONLY)
        except DomainError as error:
            return refuse(error)
        if not files or not self.item_id:
            return rx.toast.error("Choose an item first, then its photo.")
        upload = files[0]
        data = await upload.read(menu_admin.MAX_PHOTO_BYTES + 1)
        item_id = self.item_id
        try:
            url = menu_admin.store_photo(data=data, upload_dir=rx.get_upload_dir())
        except DomainError as error:
            return refuse(error)
        return await self._change(
            lambda session, member: menu_admin.set_item_photo(
                session, actor=member, item_id=item_id, photo_url=url
            ),
            "Photo saved.",
        )

    @rx.event
    async def remove_photo(self):
        item_id = self.item_id
        return await self._change(
            lambda session, member: menu_admin.set_item_photo(
                session, actor=member, item_id=item_id, photo_url=None
            ),
            "Photo removed.",
        )

    @rx.event
    async def add_group(self, form: dict):
        item_id = self.item_id
        return await self._change(
            lambda session, member: menu_admin.create_group(
                session,
                actor=member,
                item_id=item_id,
                name=str(form.get("name", "")),
                min_choices=_int(form, "min_choices", "Min"),
                max_choices=_int(form, "max_choices", "Max"),
                required=bool(form.get("required")),
            ),
            "Group added: now add its options.",
        )

    @rx.event
    async def save_group(self, form: dict):
        return await self._change(
            lambda session, member: menu_admin.update_group(
                session,
                actor=member,
                group_id=_int(form, "group_id", "Group"),
                name=str(form.get("name", "")),
                min_choices=_int(form, "min_choices", "Min"),
                max_choices=_int(form, "max_choices", "Max"),
                required=bool(form.get("required")),
            ),
            "Group saved.",
        )

    @rx.event
    async def move_group(self, group_id: int, direction: int):
        return await self._change(
            lambda session, member: menu_admin.move_group(
                session, actor=member, group_id=int(group_id), direction=int(direction)
            )
        )

    @rx.event
    async def archive_group(self, group_id: int, archived: bool):
        return await self._change(
            lambda session, member: menu_admin.set_group_archived(
                session, actor=member, group_id=int(group_id), archived=bool(archived)
            ),
            "Group archived." if archived else "Group restored.",
        )

    @rx.event
    async def add_option(self, form: dict):
        return await self._change(
            lambda session, member: menu_admin.create_option(
                session,
                actor=member,
                group_id=_int(form, "group_id", "Group"),
                name=str(form.get("name", "")),
                price_delta_cents=self._style().parse(
                    form.get("delta") or "0", what="Price change", allow_negative=True
                ),
            ),
            "Option added.",
        )

    @rx.event
    async def save_option(self, form: dict):
        return await self._change(
            lambda session, member: menu_admin.update_option(
                session,
                actor=member,
                option_id=_int(form, "option_id", "Option"),
                name=str(form.get("name", "")),
                price_delta_cents=self._style().parse(
                    form.get("delta") or "0", what="Price change", allow_negative=True
                ),
            ),
            "Option saved.",
        )

    @rx.event
    async def move_option(self, option_id: int, direction: int):
        return await self._change(
            lambda session, member: menu_admin.move_option(
                session, actor=member, option_id=int(option_id), direction=int(direction)
            )
        )

    @rx.event
    async def archive_option(self, option_id: int, archived: bool):
        return await self._change(
            lambda session, member: menu_admin.set_option_archived(
                session, actor=member, option_id=int(option_id), archived=bool(archived)
            ),
            "Option archived." if archived else "Option restored.",
        )
