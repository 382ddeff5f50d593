// The offline queue's own logic (static/js/offline/queue.js), without a browser:
// node --test tests/js/*.test.mjs
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { beforeEach, describe, test } from "node:test";

const require = createRequire(import.meta.url);
const Q = require("../../static/js/offline/queue.js");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const REPORT_URL = "/kelompok/12/laporan/2026-01/";
const VISIT_URL = "/kelompok/12/kunjungan/tambah/";

function reportEntries(token = "server-token-from-the-page") {
  return [
    ["csrfmiddlewaretoken", "abc"],
    ["form_token", token],
    ["income", "1.500.000"],
    ["action", "submit"],
  ];
}

function answer(status, { headers = {}, body = "", redirected = false, url = "" } = {}) {
  return { status, headers, body, redirected, url };
}

const saved = (url = "/laporan/7/") =>
  answer(200, { headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: "saved", url }) });
const refused = (html = "<html><form data-offline></form></html>") =>
  answer(200, { headers: { "Content-Type": "text/html; charset=utf-8", "X-Kube-Form": "refused" }, body: html });
const conflict = (html = "<html>changed</html>") =>
  answer(200, { headers: { "Content-Type": "text/html; charset=utf-8", "X-Kube-Form": "conflict" }, body: html });
const signin = () =>
  answer(401, {
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ status: "signin", url: "/accounts/login/?next=/kelompok/12/" }),
  });

function fieldValue(item, name) {
  return item.fields.filter((f) => f.name === name).map((f) => f.value);
}

describe("makeItem", () => {
  test("gives a new UUID as id and as the form_token sent, replacing the page's token", () => {
    const item = Q.makeItem({ user: "u1", kind: "report", url: REPORT_URL, entries: reportEntries() });
    assert.match(item.id, UUID);
    assert.deepEqual(fieldValue(item, "form_token"), [item.id]);
    assert.deepEqual(fieldValue(item, "income"), ["1.500.000"]);
    assert.deepEqual(fieldValue(item, "action"), ["submit"]);
    assert.equal(item.status, Q.STATUS.WAITING);
    assert.equal(item.tries, 0);
  });

  test("leaves out the page's CSRF token (the header carries the current one)", () => {
    const item = Q.makeItem({ user: "u1", kind: "report", url: REPORT_URL, entries: reportEntries() });
    assert.deepEqual(fieldValue(item, "csrfmiddlewaretoken"), []);
    const old = { ...item, fields: [...item.fields, { name: "csrfmiddlewaretoken", value: "stale" }] };
    assert.equal(Q.toFormData(old, FormData).has("csrfmiddlewaretoken"), false);
  });

  test("two items made from the same page get different tokens", () => {
    const a = Q.makeItem({ user: "u1", kind: "report", url: REPORT_URL, entries: reportEntries() });
    const b = Q.makeItem({ user: "u1", kind: "report", url: REPORT_URL, entries: reportEntries() });
    assert.notEqual(a.id, b.id);
  });

  test("adds the form_token when the form had none, and keeps repeated fields and files", () => {
    const photo = new File([new Uint8Array([1, 2, 3])], "foto.jpg", { type: "image/jpeg" });
    const item = Q.makeItem({
      user: "u1",
      kind: "visit",
      url: VISIT_URL,
      entries: [
        ["attendees", "1"],
        ["attendees", "2"],
        ["photos", photo],
      ],
    });
    assert.deepEqual(fieldValue(item, "attendees"), ["1", "2"]);
    assert.equal(fieldValue(item, "photos")[0], photo);
    assert.deepEqual(fieldValue(item, "form_token"), [item.id]);
  });

  test("toFormData sends every field, files as files", async () => {
    const photo = new File([new Uint8Array([1, 2, 3])], "foto.jpg", { type: "image/jpeg" });
    const item = Q.makeItem({ user: "u1", kind: "visit", url: VISIT_URL, entries: [["attendees", "1"], ["attendees", "2"], ["photos", photo]] });
    const data = Q.toFormData(item, FormData);
    assert.deepEqual(data.getAll("attendees"), ["1", "2"]);
    assert.equal(data.get("form_token"), item.id);
    const sent = data.get("photos");
    assert.equal(sent.name, "foto.jpg");
    assert.deepEqual([...new Uint8Array(await sent.arrayBuffer())], [1, 2, 3]);
  });
});

describe("ordering and users", () => {
  test("forUser lists only that user's items, oldest first, without saved stubs", () => {
    const items = [
      { ...Q.makeItem({ user: "u1", kind: "visit", url: VISIT_URL, now: "2026-01-03T00:00:00Z" }) },
      { ...Q.makeItem({ user: "u2", kind: "report", url: REPORT_URL, now: "2026-01-01T00:00:00Z" }) },
      { ...Q.makeItem({ user: "u1", kind: "report", url: REPORT_URL, now: "2026-01-02T00:00:00Z" }) },
      { ...Q.makeItem({ user: "u1", kind: "report", url: REPORT_URL, now: "2026-01-01T00:00:00Z" }), status: Q.STATUS.SAVED },
    ];
    const mine = Q.forUser(items, "u1");
    assert.deepEqual(
      mine.map((i) => i.createdAt),
      ["2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z"],
    );
    assert.deepEqual(Q.forUser(items, ""), []);
  });

  test("toSend takes waiting and sign-in items, not refused, conflicting or unsendable ones", () => {
    const base = { user: "u1", kind: "report", url: REPORT_URL };
    const items = [
      { ...Q.makeItem({ ...base, now: 1 }), status: Q.STATUS.REFUSED },
      { ...Q.makeItem({ ...base, now: 2 }), status: Q.STATUS.CONFLICT },
      { ...Q.makeItem({ ...base, now: 3 }), status: Q.STATUS.UNSENDABLE },
      { ...Q.makeItem({ ...base, now: 4 }), status: Q.STATUS.SIGNIN },
      { ...Q.makeItem({ ...base, now: 5 }) },
    ];
    assert.deepEqual(
      Q.toSend(items, "u1").map((i) => i.status),
      [Q.STATUS.SIGNIN, Q.STATUS.WAITING],
    );
  });
});

describe("readAnswer: the server's answers (plan, item 7)", () => {
  test("saved: 200 JSON with the URL the save led to", () => {
    assert.deepEqual(Q.readAnswer(saved("/laporan/7/")), { outcome: "saved", url: "/laporan/7/", code: 200 });
  });

  test("refused and conflict: 200 HTML with X-Kube-Form, the page kept", () => {
    const r = Q.readAnswer(refused("<html>errors</html>"));
    assert.equal(r.outcome, "refused");
    assert.equal(r.html, "<html>errors</html>");
    const c = Q.readAnswer(conflict("<html>changed</html>"));
    assert.equal(c.outcome, "conflict");
    assert.equal(c.html, "<html>changed</html>");
  });

  test("a Headers object is read like a plain one, whatever the case", () => {
    const headers = new Headers({ "x-kube-form": "Refused", "content-type": "text/html" });
    assert.equal(Q.readAnswer({ status: 200, headers, body: "<html></html>" }).outcome, "refused");
  });

  test("401: sign in, at the URL the server gives", () => {
    assert.deepEqual(Q.readAnswer(signin()), { outcome: "signin", url: "/accounts/login/?next=/kelompok/12/", code: 401 });
  });

  test("a redirect to the sign-in page also means sign in", () => {
    const r = Q.readAnswer(
      answer(200, { headers: { "Content-Type": "text/html" }, redirected: true, url: "https://kube.example/accounts/login/?next=/x/" }),
    );
    assert.deepEqual(r, { outcome: "signin", url: "/accounts/login/?next=/x/", code: 200 });
  });

  test("404 and 403 cannot be sent; server errors and 429 are tried again later", () => {
    assert.equal(Q.readAnswer(answer(404)).outcome, "unsendable");
    assert.equal(Q.readAnswer(answer(403)).outcome, "unsendable");
    assert.equal(Q.readAnswer(answer(413)).outcome, "unsendable");
    for (const status of [500, 502, 503, 504, 429, 408]) {
      assert.equal(Q.readAnswer(answer(status)).outcome, "retry", String(status));
    }
  });

  test("a 200 page without X-Kube-Form is not taken for a save", () => {
    assert.equal(Q.readAnswer(answer(200, { headers: { "Content-Type": "text/html" }, body: "<html>" })).outcome, "unsendable");
    const notSaved = answer(200, { headers: { "Content-Type": "application/json" }, body: '{"status": "other"}' });
    assert.equal(Q.readAnswer(notSaved).outcome, "unsendable");
  });
});

describe("the queue over a store", () => {
  let store;
  let queue;

  beforeEach(() => {
    store = Q.memoryStore();
    queue = Q.createQueue(store);
  });

  async function keep(user = "u1", now = "2026-01-05T10:00:00Z", url = REPORT_URL) {
    return queue.save({ user, kind: "report", url, title: "Laporan Januari 2026 · KUBE Mawar", entries: reportEntries(), now });
  }

  test("sendPending sends this user's items oldest first, each with its own token, and keeps saved stubs only", async () => {
    const older = await keep("u1", "2026-01-05T10:00:00Z");
    const newer = await keep("u1", "2026-01-05T11:00:00Z");
    const other = await keep("u2", "2026-01-05T09:00:00Z");
    const sent = [];
    const report = await queue.sendPending("u1", async (item) => {
      sent.push(Q.toFormData(item, FormData).get("form_token"));
      return saved(`/laporan/${sent.length}/`);
    });
    assert.deepEqual(sent, [older.id, newer.id]);
    assert.equal(report.sent.length, 2);
    assert.deepEqual(await queue.mine("u1"), []);
    const stub = await queue.get(older.id);
    assert.equal(stub.status, Q.STATUS.SAVED);
    assert.deepEqual(stub.fields, []);
    assert.equal(stub.resultUrl, "/laporan/1/");
    assert.equal((await queue.get(other.id)).status, Q.STATUS.WAITING);
  });

  test("no network: the item stays, replay stops, and the retry sends the same token", async () => {
    const first = await keep("u1", "2026-01-05T10:00:00Z");
    await keep("u1", "2026-01-05T11:00:00Z");
    const tokens = [];
    const offline = await queue.sendPending("u1", async (item) => {
      tokens.push(item.fields.find((f) => f.name === "form_token").value);
      throw new TypeError("Failed to fetch");
    });
    assert.equal(offline.stopped, true);
    assert.equal(tokens.length, 1, "the second item is not tried while the network is down");
    const kept = await queue.get(first.id);
    assert.equal(kept.status, Q.STATUS.WAITING);
    assert.equal(kept.tries, 1);

    // The server saved the first try but its answer was lost: the same token comes back.
    const server = new Map([[first.id, "/laporan/7/"]]);
    await queue.sendPending("u1", async (item) => {
      const token = Q.toFormData(item, FormData).get("form_token");
      tokens.push(token);
      if (!server.has(token)) server.set(token, `/laporan/${server.size + 7}/`);
      return saved(server.get(token));
    });
    assert.equal(tokens[1], first.id);
    assert.equal(server.size, 2, "two forms, two saves: none saved twice");
    assert.deepEqual(await queue.mine("u1"), []);
  });

  test("an ended session keeps the item (status signin) and stops; it goes after sign-in", async () => {
    const item = await keep();
    await keep("u1", "2026-01-05T11:00:00Z");
    let calls = 0;
    const report = await queue.sendPending("u1", async () => {
      calls += 1;
      return signin();
    });
    assert.equal(calls, 1);
    assert.equal(report.stopped, true);
    const kept = await queue.get(item.id);
    assert.equal(kept.status, Q.STATUS.SIGNIN);
    assert.equal(kept.signinUrl, "/accounts/login/?next=/kelompok/12/");
    assert.equal(kept.fields.length, 3, "the values are all still there");
    assert.equal(Q.needsSignin(await queue.all(), "u1"), true);

    const tokens = [];
    await queue.sendPending("u1", async (sent) => {
      tokens.push(sent.id);
      return saved();
    });
    assert.equal(tokens[0], item.id);
    assert.deepEqual(await queue.mine("u1"), []);
  });

  test("refused and conflict keep the item with the server's page; replay goes on to the next", async () => {
    const a = await keep("u1", "2026-01-05T10:00:00Z");
    const b = await keep("u1", "2026-01-05T11:00:00Z");
    const c = await keep("u1", "2026-01-05T12:00:00Z");
    const answers = [refused("<html>refused</html>"), conflict("<html>conflict</html>"), answer(404)];
    await queue.sendPending("u1", async () => answers.shift());
    assert.equal((await queue.get(a.id)).status, Q.STATUS.REFUSED);
    assert.equal((await queue.get(a.id)).html, "<html>refused</html>");
    assert.equal((await queue.get(b.id)).status, Q.STATUS.CONFLICT);
    assert.equal((await queue.get(c.id)).status, Q.STATUS.UNSENDABLE);
    assert.equal((await queue.get(c.id)).code, 404);
    // None of them is sent again without the user.
    let calls = 0;
    await queue.sendPending("u1", async () => {
      calls += 1;
      return saved();
    });
    assert.equal(calls, 0);
  });

  test("the corrected form keeps the refused item's token and replaces its values", async () => {
    const first = await keep();
    await queue.send(first, async () => refused());
    // The refused page carries the item's token in its form_token field.
    const again = await queue.save({
      user: "u1",
      kind: "report",
      url: REPORT_URL,
      entries: [["form_token", first.id], ["income", "2.000.000"]],
    });
    assert.equal(again.id, first.id);
    assert.equal(again.status, Q.STATUS.WAITING);
    assert.equal(again.html, null);
    assert.deepEqual(fieldValue(again, "income"), ["2.000.000"]);
    assert.equal((await queue.all()).length, 1);
  });

  test("a form sent again after its save reuses the token (the server answers: already saved)", async () => {
    const first = await keep();
    await queue.send(first, async () => saved("/laporan/7/"));
    const again = await queue.save({ user: "u1", kind: "report", url: REPORT_URL, entries: [["form_token", first.id]] });
    assert.equal(again.id, first.id);
  });

  test("another user's token, or another form's, is not reused", async () => {
    const first = await keep("u1");
    const other = await queue.save({ user: "u2", kind: "report", url: REPORT_URL, entries: [["form_token", first.id]] });
    assert.notEqual(other.id, first.id);
    const elsewhere = await queue.save({ user: "u1", kind: "visit", url: VISIT_URL, entries: [["form_token", first.id]] });
    assert.notEqual(elsewhere.id, first.id);
  });

  test("only one replay runs at a time in a page", async () => {
    await keep();
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    const first = queue.sendPending("u1", async () => {
      await gate;
      return saved();
    });
    const second = await queue.sendPending("u1", async () => saved());
    assert.equal(second.busy, true);
    release();
    assert.equal((await first).sent.length, 1);
  });

  test("saved stubs are forgotten after KEEP_SAVED_DAYS; waiting items never", async () => {
    const done = await keep("u1", "2026-01-01T00:00:00Z");
    await queue.send(done, async () => saved(), "2026-01-01T00:00:00Z");
    const waiting = await keep("u1", "2026-01-01T00:00:00Z");
    await queue.purge("2026-01-30T00:00:00Z");
    assert.ok(await queue.get(done.id));
    await queue.purge("2026-02-01T00:00:00Z");
    assert.equal(await queue.get(done.id), null);
    assert.ok(await queue.get(waiting.id));
  });
});

describe("texts", () => {
  const item = (kind, status = Q.STATUS.WAITING, user = "u1") => ({ ...Q.makeItem({ user, kind, url: "/x/" }), status });

  test("countsText counts this user's waiting items by kind", () => {
    assert.equal(Q.countsText([], "u1"), "");
    assert.equal(Q.countsText([item("report")], "u1"), "1 laporan menunggu dikirim");
    assert.equal(Q.countsText([item("report"), item("report")], "u1"), "2 laporan menunggu dikirim");
    assert.equal(Q.countsText([item("report"), item("visit")], "u1"), "1 laporan dan 1 kunjungan menunggu dikirim");
    assert.equal(Q.countsText([item("visit"), item("report"), item("report", "waiting", "u2")], "u1"), "1 laporan dan 1 kunjungan menunggu dikirim");
    assert.equal(Q.countsText([item("report", Q.STATUS.SIGNIN)], "u1"), "1 laporan menunggu dikirim");
    assert.equal(Q.countsText([item("report", Q.STATUS.SAVED)], "u1"), "");
  });

  test("countsText names the items that need a look", () => {
    assert.equal(Q.countsText([item("report", Q.STATUS.REFUSED)], "u1"), "1 kiriman perlu diperiksa");
    assert.equal(
      Q.countsText([item("visit"), item("report", Q.STATUS.CONFLICT), item("visit", Q.STATUS.UNSENDABLE)], "u1"),
      "1 kunjungan menunggu dikirim; 2 kiriman perlu diperiksa",
    );
  });

  test("each status has an Indonesian text", () => {
    for (const status of Object.values(Q.STATUS)) {
      assert.ok(Q.statusText({ status }).length > 3, status);
    }
    assert.equal(Q.statusText({ status: Q.STATUS.UNSENDABLE }), "Tidak dapat dikirim");
  });

  test("bannerText shows when the page was kept", () => {
    const text = Q.bannerText("2026-01-05T14:30:00+08:00", "id", "Asia/Makassar");
    assert.match(text, /^Halaman dari ponsel, disimpan /);
    assert.match(text, /5 Jan 2026/);
    assert.match(text, /14[.:]30/);
    assert.equal(Q.bannerText("", "id"), "Halaman dari ponsel");
  });

  test("setTexts replaces texts (a translated set from the page)", () => {
    const before = Q.TEXTS.waiting_suffix;
    try {
      Q.setTexts({ waiting_suffix: "waiting to be sent", kind_report: "report(s)", and: "and", ignored: 3 });
      assert.equal(Q.countsText([item("report"), item("visit")], "u1"), "1 report(s) and 1 kunjungan waiting to be sent");
    } finally {
      Q.setTexts({ waiting_suffix: before, kind_report: "laporan", and: "dan" });
    }
  });
});
