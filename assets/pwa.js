// Registers the service worker (sw.js) that makes CliqMenu installable and shows the offline page.
(function () {
  if (!("serviceWorker" in navigator) || window.__cliqPwa) return;
  window.__cliqPwa = true;
  function register() {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (error) {
      console.warn("CliqMenu: service worker not registered", error);
    });
  }
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
})();
