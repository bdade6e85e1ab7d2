// Client-side clocks for live screens, so time passing never needs a server round trip.
//  [data-since]  elapsed time since a server timestamp (ms), with data-warn/data-late thresholds
//  [data-age]    "3 min ago" style age of an order
//  [data-sync]   connection truth: marks the screen stale when no update arrived for too long
(function () {
  if (window.__cliqLive) return;
  window.__cliqLive = true;
  const STALE_MS = 16000;
  let lastSync = { value: null, at: Date.now() };

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
      el.textContent = elapsed(gone);
      const late = Number(el.dataset.late || 0), warn = Number(el.dataset.warn || 0);
      const state = late && gone >= late ? "late" : warn && gone >= warn ? "warn" : "ok";
      const card = el.closest("[data-timer-card]") || el;
      if (card.dataset.timer !== state) card.dataset.timer = state;
    });
    document.querySelectorAll("[data-age]").forEach((el) => {
      const at = Number(el.dataset.age);
      if (at) el.textContent = age(now - at);
    });
    document.querySelectorAll("[data-sync]").forEach((el) => {
      if (el.dataset.sync !== lastSync.value) lastSync = { value: el.dataset.sync, at: now };
      const stale = now - lastSync.at > STALE_MS;
      document.body.dataset.stale = stale ? "true" : "false";
      const label = el.querySelector("[data-sync-label]");
      if (label) {
        const t = new Date(lastSync.at);
        label.textContent = (stale ? "No update since " : "Live · ") +
          pad(t.getHours()) + ":" + pad(t.getMinutes()) + ":" + pad(t.getSeconds());
      }
    });
  }
  // Chime: browsers allow sound only after a gesture, so the first tap or key unlocks it.
  let audio = null;
  function unlock() {
    if (!audio) { try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { return; } }
    if (audio.state === "suspended") audio.resume();
  }
  ["pointerdown", "keydown", "touchstart"].forEach((t) => window.addEventListener(t, unlock, { capture: true }));
  function chime() {
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
  let beat = 0;
  setInterval(() => {
    tick();
    beat += 1;
    const alerting = document.querySelector('[data-alert="on"]');
    document.body.dataset.alerting = alerting ? "true" : "false";
    if (alerting && beat % 3 === 0) chime();
  }, 1000);
  document.addEventListener("DOMContentLoaded", tick);
})();
