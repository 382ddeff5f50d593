// What the service worker may keep of the pages (static/js/offline/pages.js), without a browser.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";

const require = createRequire(import.meta.url);
const P = require("../../static/js/offline/pages.js");

const ORIGIN = "https://kube.example";
const page = (user, time, extra = "") =>
  `<!DOCTYPE html>\n<html lang="id" data-user="${user}" data-source="network" data-page-time="${time}"${extra}>\n<head></head><body>data-source="network"</body></html>`;

describe("mayCache", () => {
  test("pages the facilitator reads may be kept", () => {
    for (const url of ["/", "/luring/", "/kelompok/12/", "/kelompok/12/kunjungan/tambah/", `${ORIGIN}/kelompok/12/laporan/2026-12/`]) {
      assert.equal(P.mayCache(url, "GET", ORIGIN), true, url);
    }
  });

  test("never a POST, sign-in pages, the service worker, exports or photos", () => {
    assert.equal(P.mayCache("/kelompok/12/", "POST", ORIGIN), false);
    for (const url of [
      "/accounts/login/",
      "/accounts/logout/",
      "/sw.js",
      `${ORIGIN}/sw.js`,
      "/admin/",
      "/luring/halaman/",
      "/kelompok/ekspor.xlsx",
      "/usulan/ekspor.csv?status=baru",
      "/mitra/ekspor/",
      "/impor/templat.xlsx",
      "/kelompok/12/kunjungan/foto/3/",
      "/kelompok/12/kunjungan/foto/3/kecil/",
      "/media/visits/a.jpg",
      "/i18n/setlang/",
    ]) {
      assert.equal(P.mayCache(url, "GET", ORIGIN), false, url);
    }
  });

  test("never another origin's page", () => {
    assert.equal(P.mayCache("https://elsewhere.example/", "GET", ORIGIN), false);
  });
});

describe("markFromPhone: the cached copy says it comes from the phone", () => {
  test("data-source on <html> becomes phone; the body is left alone", () => {
    const html = P.markFromPhone(page("u1", "2026-01-05T10:00:00+08:00"));
    assert.match(html, /<html lang="id" data-user="u1" data-source="phone" data-page-time=/);
    assert.match(html, /<body>data-source="network"<\/body>/);
  });

  test("adds data-source when missing, and the page asked for when standing in for it", () => {
    const html = P.markFromPhone('<html lang="id">\n<body></body></html>', '/kelompok/9/?a="b"');
    assert.equal(html, '<html lang="id" data-source="phone" data-requested="/kelompok/9/?a=&quot;b&quot;">\n<body></body></html>');
  });

  test("reads the page's user and time", () => {
    const html = page("u1", "2026-01-05T10:00:00+08:00");
    assert.equal(P.pageUser(html), "u1");
    assert.equal(P.pageTime(html), "2026-01-05T10:00:00+08:00");
    assert.equal(P.pageUser("<p>no html tag</p>"), null);
  });
});

describe("usable: a cached page is shown only to its user, and only while fresh", () => {
  const now = Date.parse("2026-01-08T10:00:00+08:00");
  test("the same user within max_age_hours", () => {
    assert.equal(P.usable(page("u1", "2026-01-05T10:00:00+08:00"), "u1", now, 72), true);
  });
  test("not after max_age_hours", () => {
    assert.equal(P.usable(page("u1", "2026-01-05T09:59:00+08:00"), "u1", now, 72), false);
  });
  test("not for another user, nor without a user or a time", () => {
    assert.equal(P.usable(page("u1", "2026-01-08T09:00:00+08:00"), "u2", now, 72), false);
    assert.equal(P.usable(page("", "2026-01-08T09:00:00+08:00"), "", now, 72), false);
    assert.equal(P.usable(page("u1", "not a time"), "u1", now, 72), false);
  });
});

describe("planSync: the page list from /luring/halaman/", () => {
  const now = Date.parse("2026-01-08T10:00:00Z");
  const message = { type: "pages", user: "u1", pages: ["/", "/luring/", "/kelompok/12/", "/kelompok/12/"], max_age_hours: 72 };

  test("first time: fetch every page once", () => {
    const plan = P.planSync(null, message, {}, now, ORIGIN);
    assert.equal(plan.dropAll, true);
    assert.deepEqual(plan.fetch, ["/", "/luring/", "/kelompok/12/"]);
    assert.deepEqual(plan.meta, { user: "u1", pages: ["/", "/luring/", "/kelompok/12/"], max_age_hours: 72 });
  });

  test("another user: drop every page first, whatever is cached", () => {
    const plan = P.planSync({ user: "u0", pages: ["/"] }, message, { "/": now, "/kelompok/3/": now }, now, ORIGIN);
    assert.equal(plan.dropAll, true);
    assert.deepEqual(plan.remove, []);
    assert.deepEqual(plan.fetch, ["/", "/luring/", "/kelompok/12/"]);
  });

  test("same user: drop pages no longer listed, fetch new and old ones only", () => {
    const cached = { "/": now - 60_000, "/luring/": now - P.REFRESH_AFTER_MS - 1, "/kelompok/3/": now };
    const plan = P.planSync({ user: "u1", pages: ["/", "/luring/", "/kelompok/3/"] }, message, cached, now, ORIGIN);
    assert.equal(plan.dropAll, false);
    assert.deepEqual(plan.remove, ["/kelompok/3/"]);
    assert.deepEqual(plan.fetch, ["/luring/", "/kelompok/12/"]);
  });

  test("pages that may never be kept are left out of the list", () => {
    const plan = P.planSync(null, { user: "u1", pages: ["/", "/accounts/password_change/", "/kelompok/ekspor.xlsx"] }, {}, now, ORIGIN);
    assert.deepEqual(plan.meta.pages, ["/"]);
  });

  test("an officer (no pages) or nobody: nothing kept", () => {
    const plan = P.planSync({ user: "u1", pages: ["/"] }, { user: "u9", pages: [] }, { "/": now }, now, ORIGIN);
    assert.equal(plan.dropAll, true);
    assert.deepEqual(plan.fetch, []);
    assert.equal(P.isListed(plan.meta, "/"), false);
    assert.equal(P.planSync(null, { user: "", pages: ["/"] }, {}, now, ORIGIN).fetch.length, 0);
  });

  test("isListed compares path and query", () => {
    const meta = { user: "u1", pages: ["/kelompok/12/"] };
    assert.equal(P.isListed(meta, `${ORIGIN}/kelompok/12/`), true);
    assert.equal(P.isListed(meta, `${ORIGIN}/kelompok/12/#x`), true);
    assert.equal(P.isListed(meta, `${ORIGIN}/kelompok/12/?tab=2`), false);
    assert.equal(P.isListed(null, `${ORIGIN}/kelompok/12/`), false);
  });
});

test("offlineHtml: a plain Indonesian page, its stylesheet escaped", () => {
  const html = P.offlineHtml('/static/x.css"><script>');
  assert.match(html, /Tidak ada sinyal/);
  assert.doesNotMatch(html, /<script>/);
});
