/**
 * @module The dashboard's one client script, served from `/ui/app.js` (vanilla JS, no build step, no CDN).
 * It (1) polls a page's live fragment and swaps elements in by id, keeping focus; (2) posts the action buttons
 * (pause/resume, cancel/retry); (3) submits "Run now" forms as JSON and shows the API's 422 issues per field, then
 * follows the new run's state over SSE; (4) tails a run's logs over the API's SSE stream with a level filter.
 * Every user string reaches the DOM through `textContent`, never `innerHTML`; fragments come from our own server.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  "use strict";
  var main = document.getElementById("main");

  function flash(message) {
    var el = document.getElementById("flash");
    if (el) el.textContent = message;
  }

  function setBadge(el, state) {
    el.className = "badge s-" + state;
    el.textContent = state;
    el.setAttribute("data-state", state);
  }

  async function errorText(res) {
    try {
      var body = await res.json();
      return (body && body.error && body.error.message) || res.statusText;
    } catch (e) {
      return res.status + " " + res.statusText;
    }
  }

  // (1) live fragments: fetch, swap each element that has an id, stop at data-live-done
  var liveSrc = main && main.getAttribute("data-live");
  var liveMs = Number((main && main.getAttribute("data-live-ms")) || 3000);
  var liveTimer = null, liveBusy = false, liveDone = false, liveAgain = false, liveFinal = false;

  function restoreFocus(oldEl, newEl, active) {
    if (!active || !oldEl.contains(active)) return;
    var target = active.id ? document.getElementById(active.id) : null;
    if (!target && active.getAttribute("href")) {
      var links = newEl.querySelectorAll("a[href]");
      for (var i = 0; i < links.length; i++) if (links[i].getAttribute("href") === active.getAttribute("href")) { target = links[i]; break; }
    }
    if (target && target.focus) target.focus({ preventScroll: true });
  }

  function swap(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    // read before swapping: swapped nodes leave the template
    var done = !!tpl.content.querySelector("[data-live-done]");
    var nodes = tpl.content.querySelectorAll("[id]");
    var active = document.activeElement;
    for (var i = 0; i < nodes.length; i++) {
      var next = nodes[i];
      if (next.parentElement && next.parentElement.closest("[id]")) continue; // only outermost
      var old = document.getElementById(next.id);
      if (!old || old.outerHTML === next.outerHTML) continue;
      old.replaceWith(next);
      restoreFocus(old, next, active);
    }
    if (done && !liveFinal) {
      // writes that trail the final state by a moment (the last commit rows) arrive with one more fetch
      liveFinal = true;
      setTimeout(function () { liveAgain = false; refresh(); }, 1000);
    } else if (done) {
      liveDone = true;
      main.setAttribute("data-live-state", "done"); // polling stopped (tests and curious readers can see it)
    }
  }

  async function refresh() {
    if (!liveSrc || liveDone) return;
    if (liveBusy) { liveAgain = true; return; }
    liveBusy = true;
    try {
      var res = await fetch(liveSrc, { headers: { accept: "text/html" }, cache: "no-store" });
      if (res.ok) swap(await res.text());
    } catch (e) {
      // offline for a moment: the next tick tries again
    } finally {
      liveBusy = false;
    }
    if (liveAgain) { liveAgain = false; refresh(); }
  }

  var soon = null;
  function refreshSoon() {
    if (soon) return;
    soon = setTimeout(function () { soon = null; refresh(); }, 80);
  }

  function tick() {
    if (liveDone) return;
    if (document.visibilityState === "visible") refresh();
    liveTimer = setTimeout(tick, liveMs);
  }
  if (liveSrc) liveTimer = setTimeout(tick, liveMs);

  // (2) action buttons: POST to the API, then refresh or open the new run
  document.addEventListener("click", async function (ev) {
    var btn = ev.target instanceof Element ? ev.target.closest("button[data-post]") : null;
    if (!btn || btn.disabled) return;
    btn.disabled = true;
    flash("");
    try {
      // a JSON body keeps these POSTs out of reach of cross-site forms (it needs a CORS preflight)
      var res = await fetch(btn.getAttribute("data-post"), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      if (!res.ok) {
        flash(await errorText(res));
        btn.disabled = false;
        return;
      }
      if (btn.getAttribute("data-then") === "open-run") {
        var run = await res.json();
        location.assign("/runs/" + encodeURIComponent(run.id));
        return;
      }
      liveDone = false;
      refresh();
    } catch (e) {
      flash("The request failed: " + e.message);
      btn.disabled = false;
    }
  });

  // (3) "Run now" forms
  function readParams(form) {
    var params = {}, bad = null;
    var fields = form.querySelectorAll("[data-kind]");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i], kind = f.getAttribute("data-kind"), key = f.name, v = f.value;
      if (kind === "boolean") { params[key] = f.checked; continue; }
      if (kind === "number" || kind === "integer") {
        if (f.validity && f.validity.badInput) { params[key] = v; continue; } // let the API say why
        if (v.trim() !== "") params[key] = Number(v);
        continue;
      }
      if (kind === "json") {
        if (v.trim() === "") continue;
        try { params[key] = JSON.parse(v); } catch (e) { bad = bad || { key: key, message: "not valid JSON: " + e.message }; }
        continue;
      }
      if (v !== "") params[key] = v;
    }
    return { params: params, bad: bad };
  }

  function clearErrors(form) {
    var errs = form.querySelectorAll("[data-error-for], [data-form-error]");
    for (var i = 0; i < errs.length; i++) errs[i].textContent = "";
    var inv = form.querySelectorAll("[aria-invalid]");
    for (var j = 0; j < inv.length; j++) inv[j].removeAttribute("aria-invalid");
  }

  function fieldError(form, key, message) {
    var box = null, errs = form.querySelectorAll("[data-error-for]");
    for (var i = 0; i < errs.length; i++) if (errs[i].getAttribute("data-error-for") === key) box = errs[i];
    if (!box) return false;
    box.textContent = box.textContent ? box.textContent + "; " + message : message;
    var input = form.querySelector("[name=\"" + CSS.escape(key) + "\"]");
    if (input) input.setAttribute("aria-invalid", "true");
    return true;
  }

  function follow(runId, badgeEl) {
    var es = new EventSource("/api/runs/" + encodeURIComponent(runId) + "/logs?level=error");
    es.addEventListener("transition", function (m) {
      var t = JSON.parse(m.data);
      if (t.task === null) setBadge(badgeEl, t.to);
    });
    es.addEventListener("end", function (m) {
      var e = JSON.parse(m.data);
      if (e.state) setBadge(badgeEl, e.state);
      es.close();
      refresh();
    });
  }

  document.addEventListener("submit", async function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-run-form")) return;
    ev.preventDefault();
    clearErrors(form);
    var name = form.getAttribute("data-run-form");
    var status = form.querySelector("[role=status]");
    var formError = form.querySelector("[data-form-error]");
    var read = readParams(form);
    if (read.bad) { fieldError(form, read.bad.key, read.bad.message); return; }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      var res = await fetch("/api/pipelines/" + encodeURIComponent(name) + "/runs", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ params: read.params }),
      });
      var body = await res.json().catch(function () { return null; });
      if (res.status === 201 || res.status === 200) {
        status.textContent = "";
        var link = document.createElement("a");
        link.href = "/runs/" + encodeURIComponent(body.id);
        link.textContent = "Run " + body.id;
        var badgeEl = document.createElement("span");
        setBadge(badgeEl, body.state);
        status.append(link, " ", badgeEl);
        follow(body.id, badgeEl);
        refresh();
        return;
      }
      var issues = (body && body.error && body.error.details && body.error.details.issues) || [];
      var unplaced = [];
      for (var i = 0; i < issues.length; i++) {
        var key = String(issues[i].path || "").replace(/^params\.?/, "").split(".")[0];
        if (!key || !fieldError(form, key, issues[i].message)) unplaced.push(issues[i].message);
      }
      if (issues.length === 0) unplaced.push((body && body.error && body.error.message) || res.status + " " + res.statusText);
      formError.textContent = unplaced.join("; ");
      var first = form.querySelector("[aria-invalid=true]");
      if (first) first.focus();
    } catch (e) {
      formError.textContent = "The request failed: " + e.message;
    } finally {
      button.disabled = false;
    }
  });

  // (4) the log tail of a run page
  var logs = document.getElementById("logs");
  if (logs) {
    var MAX_LINES = 2000, es = null;
    var runId = logs.getAttribute("data-run");
    var logState = document.getElementById("log-state");
    var line = function (l) {
      var li = document.createElement("li");
      li.className = "l-" + l.level;
      li.setAttribute("data-seq", l.seq);
      var time = document.createElement("span");
      time.className = "muted";
      time.textContent = String(l.at).slice(11, 23);
      var task = l.task ? "[" + l.task + (l.attempt > 1 ? "#" + l.attempt : "") + "] " : "";
      li.append(time, " " + (l.level.toUpperCase() + "     ").slice(0, 5) + " " + task + l.message);
      return li;
    };
    var connect = function (after, level) {
      if (es) es.close();
      var url = "/api/runs/" + encodeURIComponent(runId) + "/logs?after=" + after + (level ? "&level=" + level : "");
      es = new EventSource(url);
      es.addEventListener("log", function (m) {
        var atBottom = logs.scrollHeight - logs.scrollTop - logs.clientHeight < 40;
        logs.append(line(JSON.parse(m.data)));
        while (logs.childElementCount > MAX_LINES) logs.firstElementChild.remove();
        if (atBottom) logs.scrollTop = logs.scrollHeight;
        if (logState) logState.textContent = "";
      });
      es.addEventListener("transition", refreshSoon);
      es.addEventListener("end", function () {
        es.close();
        refreshSoon();
        if (logState && logs.childElementCount === 0) logState.textContent = "No log lines.";
      });
    };
    if (logs.getAttribute("data-sse") === "1") connect(Number(logs.getAttribute("data-after") || 0), logs.getAttribute("data-level"));
    var levelSelect = document.getElementById("log-level");
    if (levelSelect) levelSelect.addEventListener("change", function () {
      var level = levelSelect.value === "debug" ? "" : levelSelect.value;
      logs.replaceChildren();
      var url = new URL(location.href);
      if (level) url.searchParams.set("level", level); else url.searchParams.delete("level");
      history.replaceState(null, "", url);
      connect(0, level);
    });
  }
})();
`;
