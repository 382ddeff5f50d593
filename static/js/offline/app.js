// The offline app in the page (issue 17), for signed-in users: registers the service worker
// and tells it which pages to keep; keeps every form[data-offline] in the phone's queue
// (IndexedDB "kube-luring", through idb) before sending it, so nothing typed is lost without
// a signal; sends the queue when the page loads online and when the signal comes back; shows
// the queue in #status-luring and on /luring/ (#daftar-antrean); empties it all on sign-out.
// The queue's rules are in queue.js (KubeQueue), tested in Node (tests/js/).
(function () {
  "use strict";

  var Q = window.KubeQueue;
  var root = document.documentElement;
  var user = root.getAttribute("data-user") || "";
  if (!Q || !user) {
    return;
  }

  var DB_NAME = "kube-luring";
  var STORE = "antrean";
  var PAGES_URL = "/luring/halaman/";
  var QUEUE_URL = "/luring/";
  var SIGNIN_URL = "/accounts/login/";
  // A photo over a slow line takes time; a try cut off is simply tried again (same token).
  var SEND_TIMEOUT_MS = 90 * 1000;
  // The page list is asked for at most this often per tab (each ask makes the worker check its copies).
  var PAGES_EVERY_MS = 10 * 60 * 1000;
  var fromPhone = root.getAttribute("data-source") === "phone";
  var T = Q.text;

  // Texts from the page (a json_script with id "teks-luring"), when the server provides them.
  var custom = document.getElementById("teks-luring");
  if (custom) {
    try {
      Q.setTexts(JSON.parse(custom.textContent));
    } catch (_error) {
      // keep the Indonesian texts
    }
  }

  // --- Storage: IndexedDB through idb ------------------------------------------------------
  var dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = window.idb.openDB(DB_NAME, 1, {
        upgrade: function (database) {
          database.createObjectStore(STORE, { keyPath: "id" });
        },
        blocking: function () {
          // Another tab deletes the database (sign-out): let it.
          closeDb();
        },
      });
      dbPromise.catch(function () {
        dbPromise = null;
      });
    }
    return dbPromise;
  }

  function closeDb() {
    if (dbPromise) {
      dbPromise.then(
        function (database) {
          database.close();
        },
        function () {}
      );
      dbPromise = null;
    }
  }

  var store = {
    all: function () {
      return db().then(function (database) {
        return database.getAll(STORE);
      });
    },
    get: function (id) {
      return db().then(function (database) {
        return database.get(STORE, id).then(function (item) {
          return item || null;
        });
      });
    },
    put: function (item) {
      return db().then(function (database) {
        return database.put(STORE, item);
      });
    },
    remove: function (id) {
      return db().then(function (database) {
        return database.delete(STORE, id);
      });
    },
  };
  var queue = Q.createQueue(store);

  // --- Sending ----------------------------------------------------------------------------
  function csrfToken() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function transport(item) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller
      ? setTimeout(function () {
          controller.abort();
        }, SEND_TIMEOUT_MS)
      : null;
    return fetch(item.url, {
      method: "POST",
      body: Q.toFormData(item, FormData),
      headers: { "X-Kube-Offline": "1", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      cache: "no-store",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.text().then(function (body) {
          return {
            status: response.status,
            headers: response.headers,
            body: body,
            redirected: response.redirected,
            url: response.url,
          };
        });
      })
      .finally(function () {
        if (timer) {
          clearTimeout(timer);
        }
      });
  }

  // One replay at a time across this user's tabs (another tab's replay is left to finish).
  function replay() {
    if (!navigator.onLine) {
      return Promise.resolve();
    }
    function run() {
      return queue.sendPending(user, transport).then(function (report) {
        if (report.sent.length) {
          say(T("sent_count", { n: report.sent.length }));
        }
        return refresh();
      });
    }
    if (navigator.locks && typeof navigator.locks.request === "function") {
      return navigator.locks.request("kube-luring-kirim", { ifAvailable: true }, function (lock) {
        return lock ? run() : null;
      });
    }
    return run();
  }

  // --- The status region (#status-luring) ---------------------------------------------------
  var region = document.getElementById("status-luring");
  var message = null; // {text, link: {href, text}} of the last thing done in this page

  function paragraph(text, link) {
    var p = document.createElement("p");
    p.className = "mb-0";
    p.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      a.className = "ms-1";
      p.append(" ", a);
    }
    return p;
  }

  function say(text, link) {
    message = text ? { text: text, link: link || null } : null;
    return refresh();
  }

  function signinLink(items) {
    var waiting = Q.forUser(items, user).filter(function (item) {
      return item.status === Q.STATUS.SIGNIN && item.signinUrl;
    });
    var href = waiting.length ? waiting[0].signinUrl : SIGNIN_URL + "?next=" + encodeURIComponent(location.pathname);
    return { href: href, text: T("link_signin") };
  }

  function renderRegion(items) {
    if (!region) {
      return;
    }
    var lines = [];
    if (fromPhone) {
      lines.push(paragraph(Q.bannerText(root.getAttribute("data-page-time"), root.lang || "id")));
      if (root.hasAttribute("data-requested")) {
        lines.push(paragraph(T("banner_missing")));
      }
    }
    if (message) {
      lines.push(paragraph(message.text, message.link));
    }
    var counts = Q.countsText(items, user);
    if (counts) {
      var onQueuePage = !!document.getElementById("daftar-antrean");
      lines.push(paragraph(counts + ".", onQueuePage ? null : { href: QUEUE_URL, text: T("link_queue") }));
    }
    if (Q.needsSignin(items, user) && !(message && message.link)) {
      lines.push(paragraph(T("signin_needed"), signinLink(items)));
    }
    region.replaceChildren.apply(region, lines);
    region.hidden = lines.length === 0;
  }

  function refresh() {
    return queue.all().then(
      function (items) {
        renderRegion(items);
        renderList(items);
      },
      function () {
        renderRegion([]);
      }
    );
  }

  // --- Forms that work without a signal -----------------------------------------------------
  var passThrough = new WeakSet(); // forms sent the ordinary way (the phone cannot store)

  function pageTitle() {
    var parts = document.title.split(" · ");
    return (parts.length > 1 ? parts.slice(0, -1) : parts).join(" · ");
  }

  function formEntries(form, submitter) {
    var data;
    try {
      data = new FormData(form, submitter || undefined);
    } catch (_error) {
      data = new FormData(form);
      if (submitter && submitter.name) {
        data.append(submitter.name, submitter.value);
      }
    }
    return Array.from(data.entries());
  }

  function setBusy(form, busy) {
    form.setAttribute("aria-busy", busy ? "true" : "false");
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = busy;
    });
  }

  // Show the server's page (a refused or conflicting form: its messages and the typed values)
  // as if it had been opened; its scripts run again, this one included.
  function showPage(html, url) {
    if (location.pathname + location.search !== url) {
      history.replaceState(null, "", url);
    }
    document.open();
    document.write(html);
    document.close();
  }

  function afterSend(done) {
    var result = done.result;
    switch (result.outcome) {
      case Q.OUTCOME.SAVED:
        location.assign(result.url);
        return null;
      case Q.OUTCOME.REFUSED:
      case Q.OUTCOME.CONFLICT:
        showPage(result.html, done.item.url);
        return null;
      case Q.OUTCOME.SIGNIN:
        return say(T("stored_signin"), { href: result.url, text: T("link_signin") });
      case Q.OUTCOME.UNSENDABLE:
        return say(T("stored_unsendable"), { href: QUEUE_URL, text: T("link_queue") });
      default:
        return say(T("stored"));
    }
  }

  function keepAndSend(form, submitter) {
    // getAttribute: form.action and form.method are clobbered by fields of those names
    // (the report form's buttons are name="action").
    var action = new URL(form.getAttribute("action") || location.href, location.href);
    if (action.origin !== location.origin) {
      passThrough.add(form);
      form.requestSubmit(submitter || undefined);
      return;
    }
    // Read before setBusy: a disabled button is no longer the submitter FormData names.
    var entries = formEntries(form, submitter);
    setBusy(form, true);
    queue
      .save({
        user: user,
        kind: form.getAttribute("data-offline") || "other",
        url: action.pathname + action.search,
        title: pageTitle(),
        entries: entries,
      })
      .then(
        function (item) {
          // Sent again from this same page (a double tap), the form updates this item.
          var token = form.querySelector('input[name="' + Q.TOKEN_FIELD + '"]');
          if (token) {
            token.value = item.id;
          }
          if (!navigator.onLine) {
            return say(T("stored"));
          }
          message = { text: T("sending") };
          renderRegion([]);
          return queue.send(item, transport).then(afterSend);
        },
        function () {
          // The phone cannot store it (private mode, storage full): send it the ordinary way.
          setBusy(form, false);
          passThrough.add(form);
          form.requestSubmit(submitter || undefined);
        }
      )
      .finally(function () {
        setBusy(form, false);
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) {
      return;
    }
    if (form.getAttribute("id") === "form-keluar") {
      event.preventDefault();
      signOut(form);
      return;
    }
    if (!form.hasAttribute("data-offline") || (form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    if (passThrough.has(form)) {
      passThrough.delete(form);
      return;
    }
    event.preventDefault();
    keepAndSend(form, event.submitter);
  });

  // --- Sign-out: warn about unsent items, then empty the phone's copies ---------------------
  function clearPhone() {
    var steps = [];
    if (window.caches) {
      steps.push(
        caches.keys().then(function (names) {
          return Promise.all(
            names
              .filter(function (name) {
                return name.indexOf("kube-halaman") === 0;
              })
              .map(function (name) {
                return caches.delete(name);
              })
          );
        })
      );
    }
    closeDb();
    // Resolved also when another tab keeps the database open (Clear-Site-Data empties it then).
    steps.push(
      Promise.race([
        window.idb ? window.idb.deleteDB(DB_NAME) : Promise.resolve(),
        new Promise(function (resolve) {
          setTimeout(resolve, 2000);
        }),
      ])
    );
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "clear" });
    }
    try {
      sessionStorage.removeItem("kube-halaman-" + user);
    } catch (_error) {
      // no sessionStorage: nothing kept there
    }
    return Promise.all(steps).catch(function () {});
  }

  function signOut(form) {
    queue
      .mine(user)
      .catch(function () {
        return [];
      })
      .then(function (items) {
        if (items.length && !window.confirm(T("confirm_signout", { n: items.length }))) {
          return false;
        }
        return clearPhone().then(
          function () {
            return true;
          },
          function () {
            return true; // the server's Clear-Site-Data empties what could not be emptied here
          }
        );
      })
      .then(function (leave) {
        if (leave) {
          form.submit(); // submit() fires no submit event: this handler is not run again
        }
      });
  }

  // --- The queue page (/luring/) -------------------------------------------------------------
  var list = document.getElementById("daftar-antrean");

  function timeText(iso) {
    try {
      return new Intl.DateTimeFormat(root.lang || "id", { dateStyle: "medium", timeStyle: "short" }).format(
        new Date(iso)
      );
    } catch (_error) {
      return iso;
    }
  }

  var BADGES = {
    waiting: "text-bg-secondary",
    signin: "text-bg-warning",
    refused: "text-bg-danger",
    conflict: "text-bg-warning",
    unsendable: "text-bg-danger",
  };

  // `describedBy`: the item's title, so that "Hapus" says which item it deletes.
  function button(label, className, describedBy, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm " + className;
    b.textContent = label;
    b.setAttribute("aria-describedby", describedBy);
    b.addEventListener("click", onClick);
    return b;
  }

  function renderList(items) {
    if (!list) {
      return;
    }
    var mine = Q.forUser(items, user);
    if (!mine.length) {
      var empty = document.createElement("p");
      empty.className = "text-body-secondary";
      empty.textContent = T("empty");
      list.replaceChildren(empty);
      return;
    }
    var ul = document.createElement("ul");
    ul.className = "list-group mb-3";
    ul.setAttribute("aria-label", T("list_label"));
    mine.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex flex-wrap justify-content-between align-items-start gap-2";
      li.id = "kiriman-" + item.id;
      var text = document.createElement("div");
      var title = document.createElement("div");
      title.className = "fw-semibold";
      title.id = "judul-" + item.id;
      title.textContent = Q.kindTitle(item.kind) + (item.title ? ": " + item.title : "");
      var when = document.createElement("div");
      when.className = "small text-body-secondary";
      when.textContent = T("made_at", { time: timeText(item.createdAt) });
      var status = document.createElement("span");
      status.className = "badge " + (BADGES[item.status] || "text-bg-secondary");
      status.textContent = Q.statusText(item);
      text.append(title, when, status);
      var actions = document.createElement("div");
      actions.className = "d-flex flex-wrap gap-2";
      if (item.status === Q.STATUS.REFUSED || item.status === Q.STATUS.CONFLICT) {
        actions.append(
          button(T("button_open"), "btn-primary", title.id, function () {
            showPage(item.html, item.url);
          })
        );
      } else {
        actions.append(
          button(T("button_send"), "btn-primary", title.id, function (event) {
            sendNow(item, event.currentTarget);
          })
        );
      }
      actions.append(
        button(T("button_delete"), "btn-outline-danger", title.id, function () {
          if (window.confirm(T("confirm_delete"))) {
            queue.remove(item.id).then(function () {
              list.focus();
              return refresh();
            });
          }
        })
      );
      li.append(text, actions);
      ul.append(li);
    });
    list.replaceChildren(ul);
  }

  function sendNow(item, trigger) {
    trigger.disabled = true;
    queue.get(item.id).then(function (current) {
      if (!current) {
        return refresh();
      }
      return queue.send(current, transport).then(function (done) {
        var outcome = done.result.outcome;
        if (outcome === Q.OUTCOME.SAVED) {
          return say(T("sent_one"));
        }
        if (outcome === Q.OUTCOME.SIGNIN) {
          return say(T("stored_signin"), { href: done.result.url, text: T("link_signin") });
        }
        if (outcome === Q.OUTCOME.RETRY) {
          return say(T("not_sent"));
        }
        return say(Q.statusText(done.item));
      });
    });
  }

  if (list) {
    list.setAttribute("tabindex", "-1");
  }

  // --- The service worker and the pages it keeps --------------------------------------------
  function syncPages() {
    if (!navigator.onLine || fromPhone || !("serviceWorker" in navigator)) {
      return;
    }
    var key = "kube-halaman-" + user;
    try {
      var last = Number(sessionStorage.getItem(key) || 0);
      if (Date.now() - last < PAGES_EVERY_MS) {
        return;
      }
    } catch (_error) {
      // no sessionStorage: ask every time
    }
    // X-Kube-Offline: signed out, the server answers 401 JSON rather than the sign-in page.
    fetch(PAGES_URL, {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Kube-Offline": "1" },
      cache: "no-store",
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return null;
        }
        return navigator.serviceWorker.ready.then(function (registration) {
          registration.active.postMessage({
            type: "pages",
            user: data.user || "",
            pages: data.pages || [],
            max_age_hours: data.max_age_hours,
          });
          try {
            sessionStorage.setItem(key, String(Date.now()));
          } catch (_error) {
            // asked again next time
          }
        });
      })
      .catch(function () {});
  }

  // Registered once the page has loaded: the worker's own downloads (static files, the pages
  // to keep) never compete with the page the facilitator is waiting for on a slow link.
  function registerWorker() {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (error) {
      if (window.console) {
        console.warn("Service worker tidak terpasang:", error);
      }
    });
  }

  if ("serviceWorker" in navigator) {
    if (document.readyState === "complete") {
      registerWorker();
    } else {
      window.addEventListener("load", registerWorker);
    }
  }

  // --- Start ------------------------------------------------------------------------------
  if (fromPhone) {
    // A kept copy: its flash messages belong to the moment it was kept.
    document.querySelectorAll("[data-flash]").forEach(function (flash) {
      flash.hidden = true;
    });
  }
  // One handler per window, also when this script runs again in a page written by showPage().
  if (window.__kubeOnline) {
    window.removeEventListener("online", window.__kubeOnline);
  }
  window.__kubeOnline = function () {
    replay();
    syncPages();
  };
  window.addEventListener("online", window.__kubeOnline);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      refresh();
    }
  });

  queue
    .purge()
    .catch(function () {})
    .then(refresh)
    .then(replay)
    .catch(function () {});
  syncPages();
})();
