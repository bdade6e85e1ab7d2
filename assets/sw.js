// CliqMenu service worker: makes the app installable and keeps its shell (build assets, icons,
// the offline page) on the device. It never keeps orders: pages are always fetched from the
// network and, when that fails, the offline page says so instead of showing an old copy.
// The live websocket (/_event), the HTTP API (/api/) and health checks are never touched.
// It also shows Web Push notifications (new orders, Ready for Pickup) and opens the app on a tap.
const SHELL_CACHE = "cliqmenu-shell-v2";
const OFFLINE_PAGE = "/offline.html";
const SHELL = [
  OFFLINE_PAGE,
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/icons/apple-touch-icon.png",
  "/cliqmenu.css",
  "/live.js",
  "/push.js",
];
const NEVER = [/^\/_event/, /^\/_upload/, /^\/api\//, /^\/ping/, /^\/_health/, /^\/stripe/];
// Files named by their content hash never change: served from the cache once fetched.
const HASHED = /^\/assets\/.+-[\w-]{8,}\.(js|css|woff2?)$/;
const STATIC = /\.(js|css|png|svg|ico|woff2?|webmanifest)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name !== SHELL_CACHE).map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NEVER.some((pattern) => pattern.test(url.pathname))) return;
  if (request.mode === "navigate") {
    event.respondWith(pageOrOffline(request));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (STATIC.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
  // Anything else (data, state) goes to the network as if there were no service worker.
});

// Pages carry orders: always from the network, never stored; offline, the honest offline page.
async function pageOrOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const offline = await caches.match(OFFLINE_PAGE);
    return offline || Response.error();
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone();
      caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request);
    if (cached) return cached;
    throw error;
  }
}

// A push from the server (services/notifications.py): {id, kind, title, body, tag, url,
// badge?, vibrate?}. One notification per tag: a newer one replaces an older one (several new
// orders show as one, with the count), and a message already shown (a retried delivery of the
// same id) is not shown again.
self.addEventListener("push", (event) => {
  event.waitUntil(showPush(event));
});

async function showPush(event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { title: "CliqMenu", body: event.data ? event.data.text() : "" };
  }
  const tag = data.tag || "cliqmenu";
  const shown = await self.registration.getNotifications({ tag: tag });
  if (data.id && shown.some((n) => n.data && n.data.id === data.id)) return;
  if ("badge" in data && "setAppBadge" in navigator) {
    await (data.badge > 0 ? navigator.setAppBadge(data.badge) : navigator.clearAppBadge())
      .catch(() => {});
  }
  await self.registration.showNotification(data.title || "CliqMenu", {
    body: data.body || "",
    tag: tag,
    renotify: true,
    icon: "/icons/icon-192.png",
    badge: "/icons/favicon-32.png",
    vibrate: data.vibrate || [200],
    requireInteraction: data.kind === "new_order" || data.kind === "reminder",
    data: { id: data.id, url: data.url || "/", kind: data.kind },
  });
}

// A tap opens the order: in a window of the app already open (navigated there), else a new one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/",
    self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(openApp(target.href));
});

async function openApp(href) {
  const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const same = open.find((client) => client.url === href)
    || open.find((client) => new URL(client.url).pathname === new URL(href).pathname)
    || open[0];
  if (same) {
    const focused = await same.focus();
    if (same.url !== href && "navigate" in same) return (focused || same).navigate(href);
    return focused;
  }
  return self.clients.openWindow(href);
}
