/**
 * @module `/docs`: a self-contained interactive reference rendered in the browser from `/openapi.json`. No CDN,
 * no external asset: it works offline and behind firewalls. Every value is inserted with textContent (never HTML).
 */

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f7f8fa}
header{background:#14213d;color:#fff;padding:14px 24px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header input{width:320px;padding:4px 6px}
main{max-width:1000px;margin:0 auto;padding:16px 24px}
h2{margin:28px 0 8px;font-size:16px;text-transform:capitalize}
details{background:#fff;border:1px solid #d8dde6;border-radius:6px;margin:6px 0}
summary{cursor:pointer;padding:8px 12px;display:flex;gap:10px;align-items:baseline}
.m{font:600 12px monospace;padding:2px 6px;border-radius:4px;color:#fff;min-width:40px;text-align:center}
.get{background:#2a7ab0}.post{background:#2f9e44}.p{font-family:monospace}.s{color:#5b6575}
.body{padding:4px 14px 14px}label{display:block;margin:6px 0 2px;font-family:monospace}
input.v,textarea{width:100%;box-sizing:border-box;font-family:monospace;padding:4px 6px}textarea{height:80px}
button{margin-top:8px;padding:5px 14px}pre{background:#0f1720;color:#e6edf3;padding:10px;overflow:auto;max-height:420px}
.d{color:#5b6575;font-size:12px}`;

const SCRIPT = `
const $ = (tag, props = {}, ...kids) => { const e = Object.assign(document.createElement(tag), props); e.append(...kids); return e; };
const tokenInput = document.getElementById("token");
tokenInput.value = sessionStorage.getItem("floe-token") || "";
tokenInput.addEventListener("change", () => { sessionStorage.setItem("floe-token", tokenInput.value); load(); });
const headers = () => tokenInput.value ? { authorization: "Bearer " + tokenInput.value } : {};
const out = (pre, text) => { pre.textContent = text; pre.hidden = false; };
async function send(op, method, path, form, pre) {
  let url = path;
  const q = new URLSearchParams();
  for (const p of op.parameters || []) {
    const v = form.querySelector('[name="' + p.in + ':' + p.name + '"]').value;
    if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(v));
    else if (v !== "") q.set(p.name, v);
  }
  if ([...q].length) url += "?" + q;
  const init = { method: method.toUpperCase(), headers: headers() };
  const body = form.querySelector("textarea");
  if (body && body.value.trim()) { init.body = body.value; init.headers["content-type"] = "application/json"; }
  out(pre, "…");
  try {
    const res = await fetch(url, init);
    const text = await res.text();
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
    out(pre, method.toUpperCase() + " " + url + "\\n" + res.status + " " + res.statusText + "\\n\\n" + shown);
  } catch (e) { out(pre, String(e)); }
}
function field(p) {
  const name = p.in + ":" + p.name;
  const label = $("label", { textContent: p.name + (p.required ? " *" : "") + "  (" + p.in + ")" });
  let input;
  if (p.schema && Array.isArray(p.schema.enum)) {
    input = $("select", { name }, $("option", { value: "", textContent: "" }), ...p.schema.enum.map((v) => $("option", { value: v, textContent: v })));
  } else input = $("input", { name, className: "v", placeholder: p.schema && p.schema.default !== undefined ? String(p.schema.default) : "" });
  return [label, input, $("div", { className: "d", textContent: p.description || "" })];
}
function operation(path, method, op) {
  const form = $("form");
  for (const p of op.parameters || []) form.append(...field(p));
  if (op.requestBody) form.append($("label", { textContent: "JSON body" }), $("textarea", { placeholder: "{}" }));
  const pre = $("pre", { hidden: true });
  form.append($("button", { type: "submit", textContent: "Send" }));
  form.addEventListener("submit", (e) => { e.preventDefault(); send(op, method, path, form, pre); });
  const codes = Object.keys(op.responses || {}).join(" ");
  return $("details", {},
    $("summary", {}, $("span", { className: "m " + method, textContent: method.toUpperCase() }), $("span", { className: "p", textContent: path }), $("span", { className: "s", textContent: op.summary || "" })),
    $("div", { className: "body" }, $("div", { className: "d", textContent: (op.description ? op.description + " " : "") + "Responses: " + codes }), form, pre));
}
async function load() {
  const main = document.querySelector("main");
  main.textContent = "Loading /openapi.json…";
  const res = await fetch("/openapi.json", { headers: headers() });
  if (!res.ok) { main.textContent = "GET /openapi.json: " + res.status + (res.status === 401 ? " — enter the API token above" : ""); return; }
  const doc = await res.json();
  document.getElementById("version").textContent = "v" + doc.info.version;
  main.textContent = "";
  const byTag = new Map();
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const tag = (op.tags || ["other"])[0];
    if (!byTag.has(tag)) byTag.set(tag, []);
    byTag.get(tag).push(operation(path, method, op));
  }
  for (const [tag, items] of byTag) main.append($("h2", { textContent: tag }), ...items);
  main.append($("p", { className: "d" }, "Schemas: ", $("a", { href: "/openapi.json", textContent: "/openapi.json" })));
}
load();`;

/** Set with the page: scripts and styles only from the page itself, requests only to this origin. */
export const DOCS_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'";

export function docsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>floe API reference</title><style>${STYLE}</style></head>
<body><header><h1>floe API</h1><span id="version"></span>
<label>API token <input id="token" type="password" autocomplete="off" placeholder="only needed off loopback"></label></header>
<main></main><script>${SCRIPT}</script></body></html>`;
}
