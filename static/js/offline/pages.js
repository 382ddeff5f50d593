// KubePages: what the service worker (templates/offline/sw.js) may keep of the pages, as
// plain functions over strings and numbers, so that Node can test them (tests/js/).
// Loaded by the service worker with importScripts; no DOM, no Cache API here.
(function (root, factory) {
  "use strict";
  var api = factory();
  root.KubePages = api;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  var PAGES_CACHE = "kube-halaman";
  // The user and page list the cached pages belong to (sign-out deletes every kube-halaman* cache).
  var META_CACHE = "kube-halaman-meta";
  var META_KEY = "/luring/__meta__";
  // A page fetched for the list is fetched again after this long (when online).
  var REFRESH_AFTER_MS = 2 * 60 * 60 * 1000;
  var DEFAULT_MAX_AGE_HOURS = 72;

  // Never kept on the phone: sign-in and account pages, the admin, the service worker
  // itself, language switching, the page list, exports and downloads, photos and media.
  var NEVER = [
    /^\/accounts\//,
    /^\/admin\//,
    /^\/i18n\//,
    /^\/sw\.js$/,
    /^\/luring\/halaman\//,
    /^\/media\//,
    /\/foto\//,
    /\/ekspor(\/|\.)/,
    /\/templat\.xlsx$/,
    /\.(xlsx|xls|ods|csv|pdf|zip|json)$/i,
  ];

  function pathOf(url) {
    var text = String(url);
    var match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)?/i.exec(text);
    var path = match ? match[1] || "/" : text.split(/[?#]/)[0];
    return path || "/";
  }

  function originOf(url) {
    var match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)/i.exec(String(url));
    return match ? match[1].toLowerCase() : null;
  }

  // May a response to this request be stored in the phone's page cache?
  // `origin`: the service worker's own; a URL elsewhere is never kept.
  function mayCache(url, method, origin) {
    if ((method || "GET").toUpperCase() !== "GET") {
      return false;
    }
    var urlOrigin = originOf(url);
    if (urlOrigin && origin && urlOrigin !== String(origin).toLowerCase()) {
      return false;
    }
    var path = pathOf(url);
    for (var i = 0; i < NEVER.length; i += 1) {
      if (NEVER[i].test(path)) {
        return false;
      }
    }
    return true;
  }

  // The path and query of a URL: the key the pages list uses ("/kelompok/12/").
  function pageKey(url) {
    var text = String(url);
    var match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(text);
    var key = (match ? match[1] : text.split("#")[0]) || "/";
    return key.charAt(0) === "/" ? key : "/" + key;
  }

  function htmlTag(html) {
    var match = /<html\b[^>]*>/i.exec(html);
    return match ? match[0] : null;
  }

  function attribute(tag, name) {
    if (!tag) {
      return null;
    }
    var match = new RegExp("\\s" + name + "\\s*=\\s*(\"([^\"]*)\"|'([^']*)')", "i").exec(tag);
    if (!match) {
      return null;
    }
    return match[2] !== undefined ? match[2] : match[3];
  }

  function pageUser(html) {
    return attribute(htmlTag(html), "data-user");
  }

  function pageTime(html) {
    return attribute(htmlTag(html), "data-page-time");
  }

  function setAttribute(tag, name, value) {
    var pattern = new RegExp("(\\s" + name + "\\s*=\\s*)(\"[^\"]*\"|'[^']*')", "i");
    if (pattern.test(tag)) {
      return tag.replace(pattern, function (_all, before) {
        return before + '"' + value + '"';
      });
    }
    return tag.replace(/\s*\/?>$/, function (end) {
      return " " + name + '="' + value + '"' + end.trim();
    });
  }

  function escapeAttribute(value) {
    return String(value)
      .replace(/&/g, "&amp;")
      .replace(/"/g, "&quot;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;");
  }

  // The cached copy of a page says so: data-source="phone" on <html> (the page script shows
  // the "Halaman dari ponsel" banner). `requested`: the page asked for, when this copy
  // stands in for another (the queue page shown for a page not kept on the phone).
  function markFromPhone(html, requested) {
    var tag = htmlTag(html);
    if (!tag) {
      return html;
    }
    var marked = setAttribute(tag, "data-source", "phone");
    if (requested) {
      marked = setAttribute(marked, "data-requested", escapeAttribute(requested));
    }
    return html.replace(tag, marked);
  }

  function ageMs(html, nowMs) {
    var time = Date.parse(pageTime(html) || "");
    return isNaN(time) ? null : nowMs - time;
  }

  // May this cached page still be shown? Made for `user`, not older than max_age_hours.
  function usable(html, user, nowMs, maxAgeHours) {
    if (!user || pageUser(html) !== user) {
      return false;
    }
    var age = ageMs(html, nowMs);
    var hours = maxAgeHours > 0 ? maxAgeHours : DEFAULT_MAX_AGE_HOURS;
    return age !== null && age <= hours * 60 * 60 * 1000;
  }

  // What to do with a {type: "pages"} message. `meta`: what the cache holds now
  // ({user, pages} or null); `cached`: {url: page time in ms or null} for the cached pages.
  // Returns {dropAll, remove, fetch, meta}.
  function planSync(meta, message, cached, nowMs, origin) {
    var user = message.user || "";
    var dropAll = !meta || meta.user !== user;
    var wanted = [];
    (message.pages || []).forEach(function (page) {
      var key = pageKey(page);
      if (user && mayCache(key, "GET", origin) && wanted.indexOf(key) === -1) {
        wanted.push(key);
      }
    });
    var have = dropAll ? {} : cached || {};
    var remove = Object.keys(have).filter(function (key) {
      return wanted.indexOf(key) === -1;
    });
    var fetch = wanted.filter(function (key) {
      var time = have[key];
      return time === undefined || time === null || nowMs - time > REFRESH_AFTER_MS;
    });
    return {
      dropAll: dropAll,
      remove: remove,
      fetch: fetch,
      meta: {
        user: user,
        pages: wanted,
        max_age_hours: message.max_age_hours > 0 ? message.max_age_hours : DEFAULT_MAX_AGE_HOURS,
      },
    };
  }

  function isListed(meta, url) {
    return !!(meta && meta.user && meta.pages && meta.pages.indexOf(pageKey(url)) !== -1);
  }

  // Shown offline for a page neither kept on the phone nor replaceable by the queue page.
  function offlineHtml(stylesheet) {
    return (
      '<!DOCTYPE html><html lang="id" data-source="phone"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1">' +
      "<title>Tidak ada sinyal · Registri KUBE</title>" +
      (stylesheet ? '<link rel="stylesheet" href="' + escapeAttribute(stylesheet) + '">' : "") +
      '</head><body><main class="container py-4">' +
      '<h1 class="h4">Tidak ada sinyal</h1>' +
      "<p>Halaman ini belum tersimpan di ponsel. Coba lagi saat sinyal kembali.</p>" +
      '<p><a href="/">Ke beranda</a></p></main></body></html>'
    );
  }

  return {
    PAGES_CACHE: PAGES_CACHE,
    META_CACHE: META_CACHE,
    META_KEY: META_KEY,
    REFRESH_AFTER_MS: REFRESH_AFTER_MS,
    mayCache: mayCache,
    pageKey: pageKey,
    pageUser: pageUser,
    pageTime: pageTime,
    markFromPhone: markFromPhone,
    usable: usable,
    planSync: planSync,
    isListed: isListed,
    offlineHtml: offlineHtml,
  };
});
