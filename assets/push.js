// Web Push on this device: asks the browser for permission (only after a tap on a button of
// ours), subscribes with the installation's key and hands the subscription to the page's state,
// which stores it on the server. Every call resolves to {state, ...}:
//   on (with subscription), off, denied, unsupported (with ios: true on an iPhone browser tab,
//   where only an app added to the Home Screen may ring), error (with message).
(function () {
  if (window.cliqPush) return;

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function unsupported() {
    const ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
    return { state: "unsupported", ios: ios };
  }

  function keyBytes(key) {
    const padded = (key + "===".slice((key.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function sameKey(subscription, key) {
    const given = subscription.options && subscription.options.applicationServerKey;
    if (!given) return true;
    const a = new Uint8Array(given);
    const b = keyBytes(key);
    return a.length === b.length && a.every((value, index) => value === b[index]);
  }

  // The service worker's registration, or null if it does not come within ten seconds.
  function registration() {
    const late = new Promise((resolve) => setTimeout(() => resolve(null), 10000));
    return Promise.race([navigator.serviceWorker.ready, late]);
  }

  async function current() {
    if (!supported()) return unsupported();
    if (Notification.permission === "denied") return { state: "denied" };
    const reg = await registration();
    const subscription = reg && (await reg.pushManager.getSubscription());
    if (!subscription || Notification.permission !== "granted") return { state: "off" };
    return { state: "on", subscription: subscription.toJSON() };
  }

  async function turnOn(key) {
    if (!supported()) return unsupported();
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") return { state: permission === "denied" ? "denied" : "off" };
      const reg = await registration();
      if (!reg) return { state: "error", message: "The app's service worker is not running." };
      let subscription = await reg.pushManager.getSubscription();
      if (subscription && !sameKey(subscription, key)) {
        await subscription.unsubscribe(); // made for a key the server no longer uses
        subscription = null;
      }
      if (!subscription) {
        subscription = await reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(key),
        });
      }
      return { state: "on", subscription: subscription.toJSON() };
    } catch (error) {
      return { state: "error", message: String((error && error.message) || error) };
    }
  }

  async function turnOff() {
    if (!supported()) return { state: "off", endpoint: "" };
    const reg = await registration();
    const subscription = reg && (await reg.pushManager.getSubscription());
    if (!subscription) return { state: "off", endpoint: "" };
    const endpoint = subscription.endpoint;
    await subscription.unsubscribe();
    return { state: "off", endpoint: endpoint };
  }

  // The app icon shows the orders waiting, where the Badging API exists.
  function badge(count) {
    if (!("setAppBadge" in navigator)) return;
    (count > 0 ? navigator.setAppBadge(count) : navigator.clearAppBadge()).catch(() => {});
  }

  // While the Order Manager screen is open, the app icon shows the orders waiting in Received
  // (the page keeps the count in #received-waiting); 0 clears the badge a push had set.
  let shownBadge = null;
  setInterval(() => {
    const waiting = document.getElementById("received-waiting");
    const count = waiting ? Number(waiting.dataset.received) : NaN;
    if (Number.isFinite(count) && count !== shownBadge) {
      shownBadge = count;
      badge(count);
    }
  }, 1000);

  window.cliqPush = { current, turnOn, turnOff, badge };
})();
