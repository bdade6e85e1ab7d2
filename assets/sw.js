// CliqMenu service worker: makes the app installable and keeps its shell (build assets, icons,
// the offline page) on the device. It never keeps orders: pages are always fetched from the
// network and, when that fails, the offline page says so instead of showing an old copy.
// The live websocket (/_event), the HTTP API (/api/) and health checks are never touched.
const SHELL_CACHE = "cliqmenu-shell-v1";
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
