"""Made for thumbs, eyes and screen readers: what a phone user (390x844), a screen reader and a
kitchen with reduced motion found, each checked in Chromium against the real app.

Customers and managers are driven as people use them: tap the words, read the names a screen
reader reads (roles and accessible names), look at where things land on the screen.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from cliqmenu import demo_data
from cliqmenu.models import Stage
from tests.e2e.helpers import (
    place_answer,
    set_stage,
    sign_in,
    track_page_loads,
    unique,
    visit,
)

pytestmark = pytest.mark.e2e

PHONE = (390, 844)
CBD = f"/t/{demo_data.CBD_TRUCK_SLUG}"
LONG_NAME = "W" * 80  # the longest name the order API takes, without a space to break at
# Not ordered nor stocked by the other journeys: marking it out disturbs nobody.
OUT_ITEM = ("Drinks", "Bottled Water")


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def overlap(one: Locator, other: Locator) -> bool:
    a, b = one.bounding_box(), other.bounding_box()
    assert a and b
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def is_on_top(target: Locator) -> bool:
    """Whether a tap at the middle of ``target`` reaches it (nothing lies over it)."""
    return target.evaluate(
        """el => { const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return hit !== null && (hit === el || el.contains(hit)); }"""
    )


def expect_focus_inside(dialog: Locator) -> None:
    """Focus moves into a dialog as it opens; it may land a frame after the dialog shows, and the
    dialog's element may be drawn anew meanwhile (so the locator is resolved again each try)."""
    expect(dialog).to_be_visible()
    for _ in range(50):
        if dialog.evaluate("el => el.contains(document.activeElement)"):
            return
        dialog.page.wait_for_timeout(100)
    raise AssertionError("focus is not in it")


def add_to_cart(customer: Page, category: str, item: str) -> None:
    customer.get_by_role("button", name=category, exact=True).click()
    customer.locator(f'.menu-item[data-item="{item}"]').click()
    customer.locator("#add-to-order").click()
    expect(customer.locator("#add-to-order")).to_have_count(0)


def open_cart(customer: Page, category: str = "Sides", item: str = "Loaded Fries") -> None:
    visit(customer, CBD)
    expect(customer.locator(".menu-item").first).to_be_visible()
    add_to_cart(customer, category, item)
    customer.locator("#view-order").click()
    expect(customer.get_by_role("dialog")).to_be_visible()


@pytest.fixture
def manager_phone(screen) -> Page:
    page = screen(*PHONE, name="manager")
    sign_in(page, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    return page


@pytest.fixture
def owner(screen) -> Page:
    page = screen(1280, 900, name="owner")
    sign_in(page, demo_data.OWNER_EMAIL, demo_data.OWNER_PASSWORD, lands_on="/admin")
    return page


def test_payment_choices_are_named_and_their_words_choose_them(screen) -> None:
    customer = screen(*PHONE, name="customer")
    open_cart(customer)
    card = customer.get_by_role("radio", name="Card at Counter", exact=True)
    expect(card).to_be_visible()
    expect(card).not_to_be_checked()
    customer.get_by_text("Card at Counter", exact=True).click()  # the words, not the dot
    expect(card).to_be_checked()
    row = customer.locator("label").filter(has=card)
    box = row.bounding_box()
    assert box is not None and box["height"] >= 44, box  # a thumb's height to tap


def test_a_refused_accept_says_so_without_covering_the_accept_button(
    manager_phone: Page, app_server
) -> None:
    number = place_answer(app_server, unique("Prep"))["order_number"]
    visit(manager_phone, "/manage")
    manager_phone.locator("#tab-received").click()
    manager_phone.locator(f"#order-{number}").click()
    accept = manager_phone.locator("#accept-order")
    expect(accept).to_be_enabled()
    manager_phone.locator("#prep-minutes").fill("0")
    # A thumb scrolls until Accept sits at the bottom of the screen, and taps it there.
    accept.evaluate("el => el.scrollIntoView({block: 'end'})")
    accept.click()
    message = manager_phone.locator("[data-sonner-toast]").filter(has_text=re.compile("prep", re.I))
    expect(message).to_be_visible()
    manager_phone.wait_for_timeout(500)  # where it settles
    assert not overlap(message, accept), "the message lies over Accept"
    assert is_on_top(accept)
    manager_phone.locator("#prep-minutes").fill("10")
    accept.click()  # taken at once, message or not
    expect(manager_phone.locator("#order-detail")).to_have_count(0)


def test_an_80_character_name_stays_in_its_card_and_the_page_in_the_phone(
    manager_phone: Page, app_server
) -> None:
    number = place_answer(app_server, LONG_NAME)["order_number"]
    visit(manager_phone, "/manage")
    manager_phone.locator("#tab-received").click()
    card = manager_phone.locator(f"#order-{number}")
    expect(card).to_be_visible()
    name = card.get_by_text(LONG_NAME)
    price = card.get_by_text(re.compile(r"^\$\d+\.\d\d$"))
    name_box, price_box, card_box = name.bounding_box(), price.bounding_box(), card.bounding_box()
    assert name_box and price_box and card_box
    assert name_box["x"] + name_box["width"] <= price_box["x"], "the name runs over the price"
    assert card_box["x"] + card_box["width"] <= PHONE[0]
    assert page_width(manager_phone) <= PHONE[0]
    card.click()
    expect(manager_phone.locator("#order-detail")).to_be_visible()
    expect(manager_phone.locator("#order-detail")).to_contain_text(LONG_NAME[:20])
    assert page_width(manager_phone) <= PHONE[0]


def test_owner_form_labels_name_their_inputs(owner: Page) -> None:
    visit(owner, "/admin/staff")
    owner.locator("#open-invite").click()
    invite = owner.get_by_role("dialog")
    for label, field_id in (("Name", "invite-name"), ("Email", "invite-email")):
        expect(invite.get_by_label(label, exact=True)).to_have_attribute("id", field_id)
    expect(invite.get_by_label("Mobile", exact=True)).to_have_attribute("id", "invite-mobile")
    owner.keyboard.press("Escape")

    visit(owner, "/admin/business")
    expect(owner.get_by_label("Business name", exact=True)).to_have_attribute("id", "business-name")

    visit(owner, "/admin/menu")
    owner.locator('[data-item="Classic Smash Burger"]').first.click()
    editor = owner.locator("#item-editor")
    expect(editor.get_by_label("Name", exact=True)).to_have_value("Classic Smash Burger")
    expect(editor.get_by_label("Price", exact=True)).to_have_attribute("id", "item-price")


def test_the_stock_screen_names_each_save_button_for_what_it_saves(manager_phone: Page) -> None:
    _category, item = OUT_ITEM
    visit(manager_phone, "/manage/stock")
    card = manager_phone.locator(f'[data-item="{item}"]')
    card.get_by_role("button", name=f"Details of {item}").click()
    expect(card.get_by_role("button", name=f"Save price of {item} here")).to_be_visible()
    expect(card.get_by_role("button", name=f"Save portions of {item}")).to_be_visible()
    expect(card.get_by_role("button", name="Save", exact=True)).to_have_count(0)


def test_the_name_hint_goes_once_a_name_is_typed(screen) -> None:
    customer = screen(*PHONE, name="customer")
    open_cart(customer)
    customer.locator("#place-order").click()
    hint = customer.get_by_text("Enter your name so the crew can call you.")
    expect(hint).to_be_visible()
    customer.locator("#customer-name").fill("Ari")
    expect(hint).to_have_count(0)


def test_the_cart_flags_an_item_gone_out_live_and_survives_a_reload(
    screen, manager_phone: Page
) -> None:
    category, item = OUT_ITEM
    customer = screen(*PHONE, name="customer")
    open_cart(customer)  # Loaded Fries
    customer.keyboard.press("Escape")
    add_to_cart(customer, category, item)
    customer.locator("#view-order").click()
    sheet = customer.get_by_role("dialog")
    expect(sheet).to_contain_text(item)
    total = customer.locator("#place-order").inner_text()

    customer.keyboard.press("Escape")
    customer.reload()
    expect(customer.locator("#view-order")).to_be_visible()  # the cart came back
    # And in a new tab of the same browser (the phone dropped the page): from its storage.
    customer = customer.context.new_page()
    track_page_loads(customer)
    visit(customer, CBD)
    customer.locator("#view-order").click()
    sheet = customer.get_by_role("dialog")
    expect(sheet).to_contain_text("Loaded Fries")
    expect(sheet).to_contain_text(item)
    expect(customer.locator("#place-order")).to_have_text(total)  # priced again, the same

    visit(manager_phone, "/manage/stock")
    stock = manager_phone.locator(f'[data-item="{item}"]')
    try:
        stock.get_by_role("radio", name="Sold out").click()
        line = sheet.locator(".cart-line").filter(has_text=item)
        expect(line).to_contain_text("Out of stock")  # live, before Place order
        warning = customer.get_by_role("alert").filter(has_text="out of stock now")
        expect(warning).to_contain_text(item)
        customer.keyboard.press("Escape")
        customer.reload()  # and still flagged when the cart comes back
        customer.locator("#view-order").click()
        expect(sheet.locator(".cart-line").filter(has_text=item)).to_contain_text("Out of stock")
    finally:
        stock.get_by_role("radio", name="In stock").click()
    expect(sheet.locator(".cart-line").filter(has_text=item)).not_to_contain_text("Out of stock")


def test_the_tracking_page_marks_the_current_stage_and_says_delivered(screen, app_server) -> None:
    placed = place_answer(app_server, unique("Track"))
    public_id = placed["order_id"]
    tracker = screen(*PHONE, name="customer")
    visit(tracker, f"/o/{public_id}")
    current = tracker.locator('#tracker-steps [aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Received")

    set_stage(app_server, public_id, Stage.DELIVERED)
    visit(tracker, f"/o/{public_id}")
    expect(current).to_contain_text("Delivered")
    expect(tracker.locator("#expected-ready")).to_have_text(re.compile(r"\S"))


def test_kitchen_cards_hold_still_for_reduced_motion(screen, app_server) -> None:
    kitchen = screen(1920, 1080, name="kitchen", reduced_motion="reduce")
    sign_in(kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    expect(kitchen.locator("#kds-queue, #kds-empty")).to_be_visible()
    kitchen.locator("#kds-start-service-strip").click()
    manager = screen(1280, 900, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    number = place_answer(app_server, unique("Still"))["order_number"]
    manager.locator("#tab-received").click()
    manager.locator(f"#order-{number}").click()
    manager.locator("#accept-order").click()
    card = kitchen.locator(f"#kds-order-{number}")
    expect(card).to_have_class(re.compile(r"\bnew\b"))
    for shown in (card, kitchen.locator("#kds-alert")):
        style = shown.evaluate(
            "el => { const s = getComputedStyle(el); return [s.animationName, s.boxShadow]; }"
        )
        assert style[0] == "none", style  # no blink
    still = card.evaluate("el => getComputedStyle(el).boxShadow")
    assert still != "none", still  # a steady highlight instead


def root_theme(page: Page) -> str:
    return page.evaluate(
        """() => { const root = document.querySelector('.radix-themes[data-is-root-theme="true"]');
        return root.classList.contains('dark') ? 'dark' : 'light'; }"""
    )


def test_staff_views_follow_the_device_theme_and_remember_a_choice(screen) -> None:
    manager = screen(*PHONE, name="manager", color_scheme="dark")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    assert root_theme(manager) == "dark"  # as the device
    manager.locator("#account-menu").click()
    manager.get_by_role("menuitem", name="Light theme").click()
    expect(manager.locator('.radix-themes[data-is-root-theme="true"]')).to_have_class(
        re.compile(r"\blight\b")
    )
    visit(manager, "/manage/stock")
    assert root_theme(manager) == "light"  # remembered, on the next page and after a reload
    manager.reload()
    expect(manager.locator('.radix-themes[data-is-root-theme="true"]')).to_have_class(
        re.compile(r"\blight\b")
    )
    manager.locator("#account-menu").click()
    expect(manager.get_by_role("menuitem", name="Light theme")).to_have_attribute(
        "aria-current", "true"
    )
    manager.get_by_role("menuitem", name="Theme as this device").click()
    expect(manager.locator('.radix-themes[data-is-root-theme="true"]')).to_have_class(
        re.compile(r"\bdark\b")
    )


def test_the_kitchen_display_turns_light_and_stays_light(screen) -> None:
    kitchen = screen(1920, 1080, name="kitchen")
    sign_in(kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    page = kitchen.locator("#kds-page")
    expect(page).not_to_have_class(re.compile(r"\bkds-light\b"))  # dark by default
    dark = page.evaluate("el => getComputedStyle(el).backgroundColor")
    kitchen.locator("#kds-theme").click()
    expect(page).to_have_class(re.compile(r"\bkds-light\b"))
    expect(kitchen.locator("#kds-theme")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("el => getComputedStyle(el).backgroundColor") != dark
    kitchen.reload()
    expect(page).to_have_class(re.compile(r"\bkds-light\b"))


def test_a_customer_orders_by_keyboard_and_focus_comes_back_after_the_picker(screen) -> None:
    customer = screen(*PHONE, name="customer")
    visit(customer, CBD)
    item = customer.locator('.menu-item[data-item="Classic Smash Burger"]')
    expect(item).to_be_visible()
    item.focus()
    outline = item.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "no visible focus"
    customer.keyboard.press("Enter")
    dialog = customer.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect_focus_inside(dialog)
    customer.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(item).to_be_focused()  # back where it was, not at the top of the page
    customer.keyboard.press("Enter")
    expect(customer.locator("#add-to-order")).to_be_visible()
    customer.locator("#add-to-order").focus()
    customer.keyboard.press("Enter")
    expect(customer.locator("#add-to-order")).to_have_count(0)
    customer.locator("#view-order").focus()
    customer.keyboard.press("Enter")
    sheet = customer.get_by_role("dialog")
    expect(sheet).to_be_visible()
    expect_focus_inside(sheet)
    name = customer.locator("#customer-name")
    for _ in range(8):  # Tab through the lines to the name field
        if name.evaluate("el => el === document.activeElement"):
            break
        customer.keyboard.press("Tab")
    customer.keyboard.type("Kay")
    expect(customer.locator("#customer-name")).to_have_value("Kay")  # focus went to the form
    card = customer.get_by_role("radio", name="Card at Counter", exact=True)
    card.focus()
    customer.keyboard.press("Space")
    expect(card).to_be_checked()


def test_new_orders_are_announced_once(screen, app_server) -> None:
    manager = screen(*PHONE, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    region = manager.locator("#live-announcer")
    expect(region).to_have_attribute("role", "status")
    number = place_answer(app_server, unique("Heard"))["order_number"]
    expect(region).to_contain_text(f"New order #{number}")
    spoken: list[str] = manager.evaluate(
        """() => { window.__spoken = []; new MutationObserver(() => window.__spoken.push(
        document.getElementById('live-announcer').textContent)).observe(
        document.getElementById('live-announcer'), {childList: true, characterData: true,
        subtree: true}); return window.__spoken; }"""
    )
    assert spoken == []
    manager.locator("#tab-in_progress").click()  # the board re-renders: nothing said again
    manager.locator("#tab-received").click()
    manager.wait_for_timeout(1500)
    assert manager.evaluate("window.__spoken") == []


def focus_shows(target: Locator) -> bool:
    """Whether ``target`` has the keyboard's focus and shows it: an outline on it (or, for a
    field, on the box around it, where Radix draws its ring)."""
    return target.evaluate(
        """el => { if (el !== document.activeElement || !el.matches(':focus-visible')) return false;
        for (let n = el, i = 0; n && i < 3; n = n.parentElement, i++) {
          const s = getComputedStyle(n);
          if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) return true;
        }
        return false; }"""
    )


def tab_to(page: Page, target: Locator, most: int = 80) -> None:
    """Press Tab (nothing else) until ``target`` has the focus; it must show."""
    for _ in range(most):
        if target.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"{most} presses of Tab never reached {target}")
    assert focus_shows(target), f"no visible focus on {target}"


def test_an_order_manager_works_an_order_by_keyboard_and_the_kitchen_says_it_once(
    screen, app_server
) -> None:
    kitchen = screen(1920, 1080, name="kitchen")
    sign_in(kitchen, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD, lands_on="/kds")
    expect(kitchen.locator("#kds-queue, #kds-empty")).to_be_visible()
    region = kitchen.locator("#live-announcer")
    expect(region).to_have_attribute("role", "status")
    manager = screen(*PHONE, name="manager")
    sign_in(manager, demo_data.MANAGER_EMAIL, demo_data.MANAGER_PASSWORD, lands_on="/manage")
    number = place_answer(app_server, unique("Keys"))["order_number"]
    opener = manager.locator(f"#order-{number} .order-open")
    detail = manager.locator("#order-detail")

    tab_to(manager, opener)
    manager.keyboard.press("Enter")
    expect(detail).to_be_visible()
    expect_focus_inside(detail)  # not back at the top of the page
    tab_to(manager, manager.locator("#accept-order"))
    manager.keyboard.press("Enter")
    expect(detail).to_have_count(0)
    expect(manager.locator("#tab-received")).to_be_focused()  # the order left this tab

    # The kitchen display says the new order once, and never again as it re-renders.
    expect(region).to_contain_text(f"New order #{number}")
    kitchen.evaluate(
        """() => { window.__spoken = []; new MutationObserver(() => window.__spoken.push(
        document.getElementById('live-announcer').textContent)).observe(
        document.getElementById('live-announcer'), {childList: true, characterData: true,
        subtree: true}); }"""
    )
    all_day = kitchen.locator("#kds-all-day-toggle")
    shown = all_day.get_attribute("aria-pressed") or "false"
    all_day.click()  # the display re-renders
    expect(all_day).not_to_have_attribute("aria-pressed", shown)

    tab = manager.locator("#tab-in_progress")
    tab_to(manager, tab)
    manager.keyboard.press("Enter")
    expect(tab).to_have_attribute("aria-pressed", "true")
    tab_to(manager, opener)
    manager.keyboard.press("Enter")
    expect(detail).to_contain_text("In Progress")
    expect_focus_inside(detail)
    tab_to(manager, detail.get_by_role("button", name="Close", exact=True))
    manager.keyboard.press("Enter")
    expect(detail).to_have_count(0)
    expect(opener).to_be_focused()  # back on the order's card
    tab_to(manager, manager.locator(f"#order-{number}").get_by_role("button", name="Cooking Done"))
    manager.keyboard.press("Enter")
    expect(manager.locator(f"#order-{number}")).to_have_count(0)  # moved along
    expect(kitchen.locator(f"#kds-order-{number}")).to_have_count(0)
    assert kitchen.evaluate("window.__spoken") == []


def test_an_owner_edits_a_menu_item_by_keyboard(owner: Page) -> None:
    visit(owner, "/admin/menu")
    row = owner.locator('[data-item="Classic Smash Burger"] button.editor-row')
    tab_to(owner, row)
    owner.keyboard.press("Enter")
    expect(row).to_have_attribute("aria-current", "true")
    expect(owner.locator("#item-name")).to_have_value("Classic Smash Burger")
    description = owner.locator("#item-description")
    original = description.input_value()
    tab_to(owner, description)
    owner.keyboard.press("Control+End")
    owner.keyboard.type(" Keyed in.")
    tab_to(owner, owner.locator("#save-item"))
    owner.keyboard.press("Enter")
    expect(owner.get_by_text("Item saved.")).to_be_visible()
    try:
        visit(owner, "/admin/menu")
        owner.locator('[data-item="Classic Smash Burger"]').first.click()
        expect(description).to_have_value(original + " Keyed in.")
    finally:
        description.fill(original)
        owner.locator("#save-item").click()
        expect(owner.get_by_text("Item saved.")).to_be_visible()
