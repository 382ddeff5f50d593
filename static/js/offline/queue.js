// KubeQueue: the offline queue's logic without the DOM, so that Node can test it (tests/js/).
// The page script (app.js) stores forms through it in IndexedDB; the tests use a Map.
//
// An item is one form as the facilitator sent it, kept on the phone until the server has it:
//   {id, user, kind, url, title, fields: [{name, value}], createdAt, status, tries, ...}
// `id` is the form_token sent with it, the same on every try: when an answer is lost on the
// way back, the next try finds the token claimed and the server does not save twice.
(function (root, factory) {
  "use strict";
  var api = factory();
  root.KubeQueue = api;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  var TOKEN_FIELD = "form_token";
  // Never stored nor sent: the page's CSRF token may be stale by the time the item goes (a
  // new sign-in rotates it); the current cookie's token goes in the X-CSRFToken header, which
  // Django reads when the form has no such field.
  var CSRF_FIELD = "csrfmiddlewaretoken";
  var STATUS = {
    WAITING: "waiting", // not sent yet, or the network failed: sent on the next chance
    SIGNIN: "signin", // the session had ended: sent after the user signs in again
    REFUSED: "refused", // the server refused the values: open, correct, send again
    CONFLICT: "conflict", // someone changed the record meanwhile: open, check, send again
    UNSENDABLE: "unsendable", // 404 and the like: the server will not take it; delete it
    SAVED: "saved", // the server has it: only a stub is kept (see KEEP_SAVED_DAYS)
  };
  // Sent without asking, oldest first, when the page loads online or the signal comes back.
  var AUTO_SEND = [STATUS.WAITING, STATUS.SIGNIN];
  var NEEDS_LOOK = [STATUS.REFUSED, STATUS.CONFLICT, STATUS.UNSENDABLE];
  // A saved item's stub (id, url; no values) is kept as long as the server keeps tokens, so
  // the same form sent again (the back button after a save) reuses its token: not saved twice.
  var KEEP_SAVED_DAYS = 30;

  // The outcomes of one try (readAnswer); RETRY: no answer, or one to try again later.
  var OUTCOME = {
    SAVED: "saved",
    REFUSED: "refused",
    CONFLICT: "conflict",
    SIGNIN: "signin",
    UNSENDABLE: "unsendable",
    RETRY: "retry",
  };

  // Indonesian texts; setTexts() replaces them (e.g. with a translated set the page provides).
  var TEXTS = {
    kind_report: "laporan",
    kind_visit: "kunjungan",
    kind_other: "kiriman",
    kind_title_report: "Laporan bulanan",
    kind_title_visit: "Kunjungan",
    kind_title_other: "Kiriman",
    and: "dan",
    waiting_suffix: "menunggu dikirim",
    needs_look: "{n} kiriman perlu diperiksa",
    signin_needed: "Perlu masuk: kiriman dikirim setelah Anda masuk kembali.",
    status_waiting: "Menunggu dikirim",
    status_signin: "Perlu masuk; dikirim setelah Anda masuk kembali",
    status_refused: "Ditolak server: buka dan perbaiki",
    status_conflict: "Data sudah diubah orang lain: buka dan periksa",
    status_unsendable: "Tidak dapat dikirim",
    status_saved: "Terkirim",
    banner: "Halaman dari ponsel, disimpan {time}",
    banner_no_time: "Halaman dari ponsel",
    banner_missing: "Halaman yang Anda buka belum tersimpan di ponsel; ini daftar kiriman di ponsel.",
    sending: "Mengirim…",
    stored: "Tersimpan di ponsel; dikirim saat sinyal kembali.",
    stored_signin: "Tersimpan di ponsel. Sesi Anda sudah berakhir: masuk kembali, lalu kiriman dikirim.",
    stored_unsendable: "Tersimpan di ponsel, tetapi tidak dapat dikirim ke server.",
    sent_count: "{n} kiriman dari ponsel sudah terkirim.",
    sent_one: "Terkirim.",
    not_sent: "Belum terkirim: tidak ada sinyal atau server tidak menjawab.",
    link_queue: "Lihat kiriman di ponsel",
    link_signin: "Masuk kembali",
    made_at: "Diisi {time}",
    empty: "Tidak ada kiriman yang menunggu di ponsel ini.",
    button_send: "Kirim sekarang",
    button_open: "Buka dan perbaiki",
    button_delete: "Hapus",
    confirm_delete: "Hapus kiriman ini dari ponsel? Isinya tidak akan terkirim.",
    confirm_signout:
      "Masih ada {n} kiriman di ponsel ini yang belum terkirim. Jika Anda keluar, kiriman itu dihapus dari ponsel. Tetap keluar?",
    list_label: "Kiriman di ponsel",
  };

  function setTexts(overrides) {
    Object.keys(overrides || {}).forEach(function (key) {
      if (typeof overrides[key] === "string" && overrides[key]) {
        TEXTS[key] = overrides[key];
      }
    });
  }

  function text(key, values) {
    return String(TEXTS[key] || "").replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  function newToken() {
    var c = typeof globalThis !== "undefined" ? globalThis.crypto : undefined;
    if (c && typeof c.randomUUID === "function") {
      return c.randomUUID();
    }
    // crypto.randomUUID needs a secure context (https or localhost); this fallback keeps a
    // plain-http test server working: 122 random bits from getRandomValues, formatted as v4.
    var bytes = new Uint8Array(16);
    c.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      })
      .join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function isoNow(now) {
    return (now instanceof Date ? now : new Date(now === undefined ? Date.now() : now)).toISOString();
  }

  // The form's values, as stored: [{name, value}] (value a string, or a Blob/File), with
  // the form_token set to `token`. `entries`: [name, value] pairs (FormData.entries()).
  function toFields(entries, token) {
    var fields = [];
    var hasToken = false;
    Array.from(entries).forEach(function (entry) {
      var name = entry[0];
      var value = entry[1];
      if (name === CSRF_FIELD) {
        return;
      }
      if (name === TOKEN_FIELD) {
        if (!hasToken) {
          fields.push({ name: TOKEN_FIELD, value: token });
        }
        hasToken = true;
        return;
      }
      fields.push({ name: name, value: value });
    });
    if (!hasToken) {
      fields.push({ name: TOKEN_FIELD, value: token });
    }
    return fields;
  }

  function tokenOf(entries) {
    var found = "";
    Array.from(entries).some(function (entry) {
      if (entry[0] === TOKEN_FIELD && typeof entry[1] === "string") {
        found = entry[1];
        return true;
      }
      return false;
    });
    return found;
  }

  // A new item: `token` defaults to a new UUID.
  function makeItem(options) {
    var token = options.token || newToken();
    return {
      id: token,
      user: options.user,
      kind: options.kind || "other",
      url: options.url,
      title: options.title || "",
      fields: toFields(options.entries || [], token),
      createdAt: isoNow(options.now),
      status: STATUS.WAITING,
      tries: 0,
      triedAt: null,
      html: null,
      signinUrl: null,
      code: null,
    };
  }

  // The body to send: a FormData (the browser's, or the one given) built from the item.
  function toFormData(item, FormDataClass) {
    var Form = FormDataClass || FormData;
    var data = new Form();
    item.fields.forEach(function (field) {
      var value = field.value;
      if (field.name === CSRF_FIELD) {
        return;
      }
      if (value && typeof value === "object" && typeof value.arrayBuffer === "function") {
        data.append(field.name, value, typeof value.name === "string" ? value.name : "blob");
      } else {
        data.append(field.name, value === undefined || value === null ? "" : String(value));
      }
    });
    return data;
  }

  function byAge(a, b) {
    if (a.createdAt !== b.createdAt) {
      return a.createdAt < b.createdAt ? -1 : 1;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  // This user's items still on the phone (saved stubs left out), oldest first.
  function forUser(items, user) {
    return items
      .filter(function (item) {
        return !!user && item.user === user && item.status !== STATUS.SAVED;
      })
      .sort(byAge);
  }

  function autoSends(item) {
    return AUTO_SEND.indexOf(item.status) !== -1;
  }

  // What replay sends, in order: this user's waiting items (and those that waited for sign-in).
  function toSend(items, user) {
    return forUser(items, user).filter(autoSends);
  }

  function headerOf(answer, name) {
    var headers = answer.headers;
    if (!headers) {
      return null;
    }
    if (typeof headers.get === "function") {
      return headers.get(name);
    }
    var wanted = name.toLowerCase();
    var found = null;
    Object.keys(headers).some(function (key) {
      if (key.toLowerCase() === wanted) {
        found = headers[key];
        return true;
      }
      return false;
    });
    return found;
  }

  function parseJson(body) {
    try {
      return JSON.parse(body);
    } catch (_error) {
      return null;
    }
  }

  // One server answer, read by the contract (ISSUE17_PLAN.md, 7). `answer`: {status, headers
  // (a Headers or a plain object), body (text), redirected, url}. Returns {outcome, url, html, code}.
  function readAnswer(answer) {
    var status = answer.status;
    var form = String(headerOf(answer, "X-Kube-Form") || "").toLowerCase();
    var type = String(headerOf(answer, "Content-Type") || "").toLowerCase();
    var body = answer.body || "";
    var json = type.indexOf("json") !== -1 ? parseJson(body) : null;
    if (status === 401) {
      return { outcome: OUTCOME.SIGNIN, url: (json && json.url) || "/accounts/login/", code: status };
    }
    if (status === 200 && form === "refused") {
      return { outcome: OUTCOME.REFUSED, html: body, code: status };
    }
    if (status === 200 && form === "conflict") {
      return { outcome: OUTCOME.CONFLICT, html: body, code: status };
    }
    if (status === 200 && json && json.status === "saved") {
      return { outcome: OUTCOME.SAVED, url: json.url || "/", code: status };
    }
    if (answer.redirected && /^\/accounts\/login\//.test(pathOf(answer.url || ""))) {
      // A server that sent the sign-in page instead of the 401 the contract names.
      return { outcome: OUTCOME.SIGNIN, url: pathAndQuery(answer.url), code: status };
    }
    if (status === 0 || status === 408 || status === 429 || status >= 500) {
      return { outcome: OUTCOME.RETRY, code: status };
    }
    // 404 (out of scope), 403, 413 (too large), or a 200 the contract does not name.
    return { outcome: OUTCOME.UNSENDABLE, code: status };
  }

  function pathOf(url) {
    var match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)?/i.exec(String(url));
    return match ? match[1] || "/" : String(url).split(/[?#]/)[0];
  }

  function pathAndQuery(url) {
    var match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(String(url));
    return (match ? match[1] : String(url)) || "/";
  }

  // The item after one try's result. `stop`: whether replay should stop here (no network,
  // or the session ended: the next items would fare the same).
  function applyResult(item, result, now) {
    var next = Object.assign({}, item, { tries: (item.tries || 0) + 1, triedAt: isoNow(now) });
    switch (result.outcome) {
      case OUTCOME.SAVED:
        return {
          item: {
            id: item.id,
            user: item.user,
            kind: item.kind,
            url: item.url,
            status: STATUS.SAVED,
            savedAt: isoNow(now),
            resultUrl: result.url,
            createdAt: item.createdAt,
            fields: [],
          },
          stop: false,
        };
      case OUTCOME.REFUSED:
      case OUTCOME.CONFLICT:
        next.status = result.outcome;
        next.html = result.html;
        return { item: next, stop: false };
      case OUTCOME.SIGNIN:
        next.status = STATUS.SIGNIN;
        next.signinUrl = result.url;
        return { item: next, stop: true };
      case OUTCOME.UNSENDABLE:
        next.status = STATUS.UNSENDABLE;
        next.code = result.code;
        return { item: next, stop: false };
      default:
        next.status = item.status === STATUS.SIGNIN ? STATUS.SIGNIN : STATUS.WAITING;
        return { item: next, stop: true };
    }
  }

  function savedExpired(item, nowMs) {
    return item.status === STATUS.SAVED && nowMs - Date.parse(item.savedAt) > KEEP_SAVED_DAYS * 86400000;
  }

  function kindWord(kind) {
    return text(kind === "report" ? "kind_report" : kind === "visit" ? "kind_visit" : "kind_other");
  }

  function kindTitle(kind) {
    return text(kind === "report" ? "kind_title_report" : kind === "visit" ? "kind_title_visit" : "kind_title_other");
  }

  function joinWords(parts) {
    if (parts.length <= 1) {
      return parts.join("");
    }
    return parts.slice(0, -1).join(", ") + " " + text("and") + " " + parts[parts.length - 1];
  }

  // "2 laporan dan 1 kunjungan menunggu dikirim", "1 kiriman perlu diperiksa", or both
  // ("; " between); "" when this user has nothing on the phone.
  function countsText(items, user) {
    var mine = forUser(items, user);
    var order = ["report", "visit", "other"];
    var waiting = {};
    var look = 0;
    mine.forEach(function (item) {
      if (autoSends(item)) {
        var kind = order.indexOf(item.kind) === -1 ? "other" : item.kind;
        waiting[kind] = (waiting[kind] || 0) + 1;
      } else if (NEEDS_LOOK.indexOf(item.status) !== -1) {
        look += 1;
      }
    });
    var parts = order
      .filter(function (kind) {
        return waiting[kind];
      })
      .map(function (kind) {
        return waiting[kind] + " " + kindWord(kind);
      });
    var sentences = [];
    if (parts.length) {
      sentences.push(joinWords(parts) + " " + text("waiting_suffix"));
    }
    if (look) {
      sentences.push(text("needs_look", { n: look }));
    }
    return sentences.join("; ");
  }

  function needsSignin(items, user) {
    return forUser(items, user).some(function (item) {
      return item.status === STATUS.SIGNIN;
    });
  }

  function statusText(item) {
    return text("status_" + item.status);
  }

  // "Halaman dari ponsel, disimpan 5 Jan 2026, 14.30" (the page's data-page-time).
  function bannerText(pageTimeIso, locale, timeZone) {
    var time = Date.parse(pageTimeIso || "");
    if (isNaN(time)) {
      return text("banner_no_time");
    }
    var options = { dateStyle: "medium", timeStyle: "short" };
    if (timeZone) {
      options.timeZone = timeZone;
    }
    var formatted;
    try {
      formatted = new Intl.DateTimeFormat(locale || "id", options).format(new Date(time));
    } catch (_error) {
      formatted = new Date(time).toISOString().slice(0, 16).replace("T", " ");
    }
    return text("banner", { time: formatted });
  }

  // The queue over a storage adapter: {all(), get(id), put(item), remove(id)}, each a promise.
  function createQueue(store) {
    var sending = false;

    async function all() {
      return store.all();
    }

    async function mine(user) {
      return forUser(await store.all(), user);
    }

    // Keep a form. The same form sent again (its form_token is an item of this user's, as
    // when a refused form is corrected, or the back button after a save) updates that item
    // and keeps its token; any other form gets a new token (a page kept on the phone holds
    // one server token for every time it is filled in).
    async function save(options) {
      var token = tokenOf(options.entries || []);
      var earlier = token ? await store.get(token) : null;
      var item;
      if (earlier && earlier.user === options.user && earlier.url === options.url) {
        item = makeItem(Object.assign({}, options, { token: earlier.id }));
        item.createdAt = earlier.createdAt;
      } else {
        item = makeItem(Object.assign({}, options, { token: options.newToken ? options.newToken() : null }));
      }
      await store.put(item);
      return item;
    }

    // One try: `transport(item)` resolves with the server's answer, or rejects (no network).
    async function send(item, transport, now) {
      var result;
      try {
        result = readAnswer(await transport(item));
      } catch (_error) {
        result = { outcome: OUTCOME.RETRY, code: 0 };
      }
      var applied = applyResult(item, result, now);
      await store.put(applied.item);
      return { result: result, item: applied.item, stop: applied.stop };
    }

    // Replay: this user's waiting items, oldest first, one at a time; stops at the first
    // that finds no network or an ended session. One replay at a time per page.
    async function sendPending(user, transport, now) {
      var report = { sent: [], results: [], stopped: false, busy: false };
      if (sending) {
        report.busy = true;
        return report;
      }
      sending = true;
      try {
        var items = toSend(await store.all(), user);
        for (var i = 0; i < items.length; i += 1) {
          var done = await send(items[i], transport, now);
          report.results.push(done);
          if (done.result.outcome === OUTCOME.SAVED) {
            report.sent.push(done.item);
          }
          if (done.stop) {
            report.stopped = true;
            break;
          }
        }
      } finally {
        sending = false;
      }
      return report;
    }

    async function remove(id) {
      return store.remove(id);
    }

    async function purge(now) {
      var nowMs = now === undefined ? Date.now() : new Date(now).getTime();
      var items = await store.all();
      for (var i = 0; i < items.length; i += 1) {
        if (savedExpired(items[i], nowMs)) {
          await store.remove(items[i].id);
        }
      }
    }

    return {
      all: all,
      mine: mine,
      get: function (id) {
        return store.get(id);
      },
      save: save,
      send: send,
      sendPending: sendPending,
      remove: remove,
      purge: purge,
    };
  }

  // A storage adapter over a Map (the tests; and a page where IndexedDB cannot open).
  function memoryStore() {
    var map = new Map();
    function copy(item) {
      return item ? Object.assign({}, item, { fields: (item.fields || []).slice() }) : item;
    }
    return {
      map: map,
      all: async function () {
        return Array.from(map.values()).map(copy);
      },
      get: async function (id) {
        return copy(map.get(id)) || null;
      },
      put: async function (item) {
        map.set(item.id, copy(item));
      },
      remove: async function (id) {
        map.delete(id);
      },
    };
  }

  return {
    TOKEN_FIELD: TOKEN_FIELD,
    STATUS: STATUS,
    OUTCOME: OUTCOME,
    KEEP_SAVED_DAYS: KEEP_SAVED_DAYS,
    TEXTS: TEXTS,
    setTexts: setTexts,
    text: text,
    newToken: newToken,
    toFields: toFields,
    tokenOf: tokenOf,
    makeItem: makeItem,
    toFormData: toFormData,
    forUser: forUser,
    toSend: toSend,
    readAnswer: readAnswer,
    applyResult: applyResult,
    countsText: countsText,
    needsSignin: needsSignin,
    statusText: statusText,
    kindTitle: kindTitle,
    bannerText: bannerText,
    createQueue: createQueue,
    memoryStore: memoryStore,
  };
});
