// Client-side clocks for live screens, so time passing never needs a server round trip.
//  [data-since]  elapsed time since a server timestamp (ms), with data-warn/data-late thresholds
//  [data-age]    "3 min ago" style age of an order
//  [data-sync]   connection truth: marks the screen stale when no update arrived for too long,
//                and "Catching up…" from the moment the tab is back in front (or its timers
//                were held back) until the server confirms it holds the latest view
//  #live-beat     the heartbeat: pressed every data-interval ms, and at once when the tab is back
//  [data-alert="on"]  chimes every 3 s (once a gesture unlocked audio) while it is shown
// On the pickup board (#pickup-board): a chime when a number reaches Ready.
// On the kitchen display (#kds-page) also: Start service (sound, fullscreen, wake lock), the
// keyboard / bump bar keys, and "any touch or key silences the new-order chime".
(function () {
  if (window.__cliqLive) return;
  window.__cliqLive = true;
  const STALE_MS = 16000;
  let lastSync = { value: null, at: Date.now() };
  // Set while the screen may show an old view: back in front, or its timers were held back.
  let catchingUp = false;
  // Called when the server confirms, answering a heartbeat, that the screen holds the latest
  // view (an answered beat changes no var, by design).
  window.cliqSynced = function () {
    lastSync = { value: lastSync.value, at: Date.now() };
    catchingUp = false;
    showSync(Date.now());
  };

  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function elapsed(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const m = Math.floor(s / 60);
    return m >= 60 ? Math.floor(m / 60) + "h " + pad(m % 60) : m + ":" + pad(s % 60);
  }
  function age(ms) {
    const m = Math.max(0, Math.floor(ms / 60000));
    if (m < 1) return "just now";
    if (m < 60) return m + " min ago";
    return Math.floor(m / 60) + " h " + (m % 60) + " min ago";
  }
  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-since]").forEach((el) => {
      const since = Number(el.dataset.since);
      if (!since) return;
      const gone = now - since;
      const text = elapsed(gone);
      if (el.textContent !== text) el.textContent = text; // unchanged text: no DOM mutation
      const late = Number(el.dataset.late || 0), warn = Number(el.dataset.warn || 0);
      const state = late && gone >= late ? "late" : warn && gone >= warn ? "warn" : "ok";
      const card = el.closest("[data-timer-card]") || el;
      if (card.dataset.timer !== state) card.dataset.timer = state;
    });
    document.querySelectorAll("[data-age]").forEach((el) => {
      const at = Number(el.dataset.age);
      const text = at ? age(now - at) : "";
      if (at && el.textContent !== text) el.textContent = text;
    });
    showSync(now);
  }
  function showSync(now) {
    document.querySelectorAll("[data-sync]").forEach((el) => {
      if (el.dataset.sync !== lastSync.value) {
        // A pushed view arrived: it is the latest the server had.
        lastSync = { value: el.dataset.sync, at: now };
        catchingUp = false;
      }
      const stale = now - lastSync.at > STALE_MS;
      const freshness = catchingUp ? "catching-up" : stale ? "stale" : "live";
      if (el.dataset.freshness !== freshness) el.dataset.freshness = freshness;
      document.body.dataset.stale = freshness === "live" ? "false" : "true";
      const label = el.querySelector("[data-sync-label]");
      if (label) {
        const t = new Date(lastSync.at);
        const time = pad(t.getHours()) + ":" + pad(t.getMinutes()) + ":" + pad(t.getSeconds());
        const text = catchingUp ? "Catching up…" : (stale ? "No update since " : "Live · ") + time;
        if (label.textContent !== text) label.textContent = text;
      }
    });
  }
  // The heartbeat. A hidden tab's timers are held back by the browser (once a minute after five
  // minutes hidden), so its screen may have dropped out of its audience: when it is back in
  // front, or a tick comes much later than due, it shows "Catching up…" and beats at once; the
  // server brings the view up to date before it confirms the beat.
  let beatAt = Date.now(), tickAt = Date.now();
  function beat(now) {
    const button = document.getElementById("live-beat");
    if (!button) return;
    beatAt = now;
    button.click();
  }
  function beatIfDue(now) {
    const button = document.getElementById("live-beat");
    if (!button) return;
    const late = now - tickAt > 3000;
    tickAt = now;
    if (late) { catchingUp = true; showSync(now); beat(now); return; }
    if (now - beatAt >= Number(button.dataset.interval || 5000)) beat(now);
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || !document.getElementById("live-beat")) return;
    const now = Date.now();
    catchingUp = true;
    showSync(now);
    beat(now);
  });
  // Chime: browsers allow sound only after a gesture, so the first tap or key unlocks it.
  let audio = null;
  function unlock() {
    if (!audio) { try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { return; } }
    if (audio.state === "suspended") audio.resume();
  }
  ["pointerdown", "keydown", "touchstart"].forEach((t) => window.addEventListener(t, unlock, { capture: true }));
  function chime() {
    window.cliqChimeRequests = (window.cliqChimeRequests || 0) + 1;
    if (!audio || audio.state !== "running") return;
    const t0 = audio.currentTime;
    [880, 1320].forEach((freq, i) => {
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = freq; osc.type = "sine";
      gain.gain.setValueAtTime(0.0001, t0 + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.4, t0 + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.18 + 0.5);
      osc.connect(gain).connect(audio.destination);
      osc.start(t0 + i * 0.18); osc.stop(t0 + i * 0.18 + 0.55);
    });
  }
  window.cliqChime = chime;

  // Kitchen display. The service state lives in the page (a reload needs a new tap anyway:
  // browsers allow sound and fullscreen only from a gesture).
  const kds = { service: false, wakeLock: null, asking: false, selectedId: null, selectedIndex: 0 };
  window.cliqKds = kds;
  function isKds() { return !!document.getElementById("kds-page"); }
  function setBody(name, value) {
    if (document.body.dataset[name] !== value) document.body.dataset[name] = value;
  }
  async function holdWakeLock() {
    if (!kds.service) return;
    if (!("wakeLock" in navigator)) { setBody("wakelock", "unsupported"); return; }
    if (kds.asking || document.visibilityState !== "visible") return;
    if (kds.wakeLock && !kds.wakeLock.released) return;
    kds.asking = true;
    try {
      kds.wakeLock = await navigator.wakeLock.request("screen");
      setBody("wakelock", "on");
      kds.wakeLock.addEventListener("release", () => setBody("wakelock", "off"));
    } catch (e) { setBody("wakelock", "off"); }
    kds.asking = false;
  }
  // The browser drops the lock whenever the tab is hidden; take it again when it is back.
  document.addEventListener("visibilitychange", holdWakeLock);
  function startService() {
    unlock();
    kds.service = true;
    setBody("service", "on");
    const root = document.documentElement;
    if (!document.fullscreenElement && root.requestFullscreen) {
      root.requestFullscreen({ navigationUI: "hide" }).catch(() => {});
    }
    holdWakeLock();
    setTimeout(chime, 150); // the cook hears that sound works
  }
  function serviceLabel() {
    const label = document.querySelector("[data-service-label]");
    if (!label) return;
    const lock = document.body.dataset.wakelock;
    const text = lock === "on" ? "In service · screen on" : lock === "unsupported" ? "In service · no wake lock" : "In service";
    if (label.textContent !== text) label.textContent = text;
  }
  function cards() { return Array.from(document.querySelectorAll("[data-kds-card]")); }
  function selectedCard(list) {
    const found = list.find((el) => el.dataset.kdsCard === kds.selectedId);
    if (found) return found;
    // The selected card left (bumped): the one now in its place.
    return list.length ? list[Math.min(kds.selectedIndex, list.length - 1)] : null;
  }
  function showSelection() {
    const list = cards();
    const chosen = kds.selectedId === null ? null : selectedCard(list);
    list.forEach((el, i) => {
      const on = el === chosen ? "true" : "false";
      if (el.dataset.selected !== on) el.dataset.selected = on;
      if (el === chosen) { kds.selectedId = el.dataset.kdsCard; kds.selectedIndex = i; }
    });
    return chosen;
  }
  function select(index) {
    const list = cards();
    if (!list.length) return;
    const i = Math.max(0, Math.min(index, list.length - 1));
    kds.selectedId = list[i].dataset.kdsCard; kds.selectedIndex = i;
    setBody("keys", "on");
    const chosen = showSelection();
    if (chosen) chosen.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  function toggleHelp(open) {
    const next = open === undefined ? document.body.dataset.help !== "open" : open;
    setBody("help", next ? "open" : "closed");
  }
  function silence() {
    const button = document.getElementById("kds-silence");
    if (button && document.querySelector('[data-alert="on"]')) button.click();
  }
  function onKey(e) {
    if (!isKds() || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (document.querySelector('[role="menu"], [role="listbox"]')) return; // a Radix menu is open
    const key = e.key;
    let handled = true;
    if (key === "?" || (key === "/" && e.shiftKey)) toggleHelp();
    else if (key === "Escape") toggleHelp(false);
    else if (/^[1-9]$/.test(key)) select(Number(key) - 1);
    else if (key === "ArrowRight" || key === "ArrowDown") select(kds.selectedId === null ? 0 : kds.selectedIndex + 1);
    else if (key === "ArrowLeft" || key === "ArrowUp") select(kds.selectedId === null ? 0 : kds.selectedIndex - 1);
    else if (key === "Enter" || key === " " || key === "Spacebar") {
      const list = cards();
      const card = kds.selectedId === null ? list[0] : selectedCard(list);
      const primary = card && card.querySelector("[data-primary]");
      if (primary) primary.click();
    } else if (key === "r" || key === "R") {
      const recall = document.getElementById("kds-recall");
      if (recall && !recall.disabled) recall.click();
    } else handled = false;
    if (handled) {
      e.preventDefault();
      if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    }
  }
  window.addEventListener("keydown", (e) => { if (isKds()) silence(); onKey(e); }, { capture: true });
  window.addEventListener("pointerdown", (e) => {
    if (!isKds()) return;
    // A tap on the alert shows the (first) new card, wherever the queue is scrolled.
    const fresh = e.target instanceof Element && e.target.closest("#kds-alert") && document.querySelector(".kds-card.new");
    if (fresh) fresh.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "smooth" });
    silence();
    if (e.pointerType !== "mouse" || e.button === 0) setBody("keys", "off");
  }, { capture: true });
  document.addEventListener("click", (e) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    if (target.closest("[data-start-service]")) startService();
    if (target.closest("#kds-more")) {
      const area = document.getElementById("kds-queue-area");
      if (area) area.scrollBy({ left: (document.getElementById("kds-more").dataset.side === "left" ? -1 : 1) * area.clientWidth * 0.8, behavior: "smooth" });
    }
    const help = target.closest("[data-kds-help]");
    if (help) toggleHelp(help.dataset.kdsHelp === "close" ? false : undefined);
    else if (document.body.dataset.help === "open" && !target.closest(".kds-help-box")) toggleHelp(false);
  });

  function countHidden() {
    const area = document.getElementById("kds-queue-area"), more = document.getElementById("kds-more");
    if (!area || !more) return;
    const box = area.getBoundingClientRect();
    let right = 0, left = 0, hiddenNew = false;
    cards().forEach((el) => {
      const r = el.getBoundingClientRect();
      const hidden = r.left >= box.right - 40 || r.right <= box.left + 40;
      if (r.left >= box.right - 40) right += 1;
      else if (r.right <= box.left + 40) left += 1;
      if (hidden && el.classList.contains("new")) hiddenNew = true;
    });
    const isNew = hiddenNew ? "true" : "false";
    if (more.dataset.new !== isNew) more.dataset.new = isNew;
    const count = String(right + left);
    if (more.dataset.count !== count) more.dataset.count = count;
    more.dataset.side = right ? "right" : "left";
    const label = more.querySelector("[data-more-label]");
    const text = count + " more";
    if (label && label.textContent !== text) label.textContent = text;
  }
  // Pickup board: a gentle chime when a number reaches Ready (not for the ones already there
  // when the page opened); "Tap for sound" unlocks audio, as browsers require.
  let boardReady = null;
  function boardChime() {
    if (!document.getElementById("pickup-board")) return;
    const now = new Set(Array.from(document.querySelectorAll("[data-ready-number]"))
      .map((el) => el.dataset.readyNumber).filter((n) => n));
    if (boardReady !== null && Array.from(now).some((n) => !boardReady.has(n))) chime();
    boardReady = now;
  }
  document.addEventListener("click", (e) => {
    if (!(e.target instanceof Element) || !e.target.closest("[data-board-sound]")) return;
    unlock();
    document.body.dataset.sound = "on";
    setTimeout(chime, 150);
  });
  // Screen readers: each new order (or cancellation) is read out once through #live-announcer
  // (role=status), never again when the page re-renders it.
  const announced = new Set();
  function announce() {
    const region = document.getElementById("live-announcer");
    if (!region) return;
    const fresh = [];
    for (const el of document.querySelectorAll("[data-announce]")) {
      const words = el.getAttribute("data-announce");
      if (words && !announced.has(words)) {
        announced.add(words);
        fresh.push(words);
      }
    }
    if (fresh.length) region.textContent = fresh.join(". ") + ".";
  }

  // Keyboard: focus follows the Order Manager's order detail, which takes the list's place.
  // Opening it (the list's button is gone) puts focus on its heading; closing it puts focus
  // back on the order's card, or on the stage tab shown once the order has left the list (it
  // may leave a moment after the detail closed: Accept). Focus would else fall to the top of
  // the page.
  let detailOf = null, restored = null;
  function shownTab() { return document.querySelector('.stage-tab[aria-pressed="true"]'); }
  function followDetail() {
    const detail = document.getElementById("order-detail");
    const lost = !document.activeElement || document.activeElement === document.body;
    if (detail && detailOf === null) {
      detailOf = detail.dataset.orderNumber || "";
      restored = null;
      const heading = detail.querySelector(".order-detail-heading");
      if (lost && heading) heading.focus();
    } else if (!detail && detailOf !== null) {
      const back = document.querySelector("#order-" + detailOf + " .order-open") || shownTab();
      detailOf = null;
      if (lost && back) { back.focus(); restored = back; }
    } else if (restored !== null) {
      if (lost && !restored.isConnected) {
        const tab = shownTab();
        if (tab) tab.focus();
        restored = null;
      } else if (document.activeElement !== restored) restored = null;
    }
  }

  function refresh() {
    announce();
    followDetail();
    tick();
    boardChime();
    if (isKds()) { showSelection(); serviceLabel(); countHidden(); if (kds.service) holdWakeLock(); }
  }
  // Render changes (a new card, a bump) get their clock and selection at once, not a second later.
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; refresh(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("scroll", () => requestAnimationFrame(refresh), { capture: true, passive: true });

  let second = 0;
  setInterval(() => {
    beatIfDue(Date.now());
    refresh();
    second += 1;
    const alerting = document.querySelector('[data-alert="on"]');
    document.body.dataset.alerting = alerting ? "true" : "false";
    if (alerting && second % 3 === 0) chime();
  }, 1000);
  document.addEventListener("DOMContentLoaded", refresh);
})();
