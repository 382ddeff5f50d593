/* Placeholder until the client side lands: a service worker that keeps nothing. */
const CONFIG = {{ config_json|safe }};
self.addEventListener("install", () => self.skipWaiting());
