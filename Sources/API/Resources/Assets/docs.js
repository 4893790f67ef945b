// The API docs page (/api/docs): reads /api/openapi.json and lists every operation with its parameters,
// body and response schemas and examples, with a "Try it" form. Loaded from the page, never inline
// (its Content-Security-Policy allows scripts from this server only).
"use strict";
let spec;
const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { if (k === "class") e.className = v; else e.setAttribute(k, v); }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
};
const resolve = s => {
  if (s && s.$ref) return spec.components.schemas[s.$ref.split("/").pop()];
  return s;
};
function example(schema, depth) {
  depth = depth || 0; const s = resolve(schema) || {};
  if (s.example !== undefined) return s.example;
  if (depth > 4) return null;
  if (s.enum) return s.enum[0];
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (t === "object" || s.properties) {
    const o = {}; for (const [k, v] of Object.entries(s.properties || {})) o[k] = example(v, depth + 1); return o;
  }
  if (t === "array") return [example(s.items || {}, depth + 1)];
  if (t === "integer") return 0; if (t === "number") return 0.5; if (t === "boolean") return true;
  if (s.format === "date-time") return "2026-11-25T03:15:02.000Z";
  return t === "string" ? "string" : null;
}
function schemaTable(schema) {
  const name = schema && schema.$ref ? schema.$ref.split("/").pop() : "";
  const s = resolve(schema) || {};
  const wrap = el("div", {});
  if (name) wrap.append(el("div", {}, el("code", {}, name)));
  if (!s.properties) { wrap.append(el("pre", {}, JSON.stringify(s, null, 1))); return wrap; }
  const t = el("table", {}, el("tr", {}, el("th", {}, "field"), el("th", {}, "type"), el("th", {}, "required"), el("th", {}, "about")));
  for (const [k, v] of Object.entries(s.properties)) {
    const r = resolve(v) || {};
    let type = v.$ref ? v.$ref.split("/").pop() : (Array.isArray(r.type) ? r.type.join("|") : (r.type || "any"));
    if (r.type === "array" && r.items) type = "array of " + (r.items.$ref ? r.items.$ref.split("/").pop() : r.items.type);
    if (r.enum) type += " (" + r.enum.join(", ") + ")";
    t.append(el("tr", {}, el("td", {}, el("code", {}, k)), el("td", {}, type), el("td", {}, (s.required || []).includes(k) ? "yes" : ""), el("td", {}, r.description || "")));
  }
  wrap.append(t); return wrap;
}
function operation(path, method, op) {
  const det = el("details", {class: "op", id: op.operationId});
  det.append(el("summary", {}, el("span", {class: "m " + method}, method.toUpperCase()), el("span", {class: "path"}, path), el("span", {class: "sum"}, op.summary || "")));
  const body = el("div", {class: "body"}); det.append(body);
  if (op.description) body.append(el("p", {}, op.description));
  const params = op.parameters || [];
  const form = el("form", {class: "try"});
  if (params.length) {
    body.append(el("h3", {}, "Parameters"));
    const t = el("table", {}, el("tr", {}, el("th", {}, "name"), el("th", {}, "in"), el("th", {}, "type"), el("th", {}, "about"), el("th", {}, "value")));
    for (const p of params) {
      const input = el("input", {name: p.in + ":" + p.name, placeholder: p.example !== undefined ? String(p.example) : ""});
      if (p.in === "path" && p.example !== undefined) input.value = p.example;
      t.append(el("tr", {}, el("td", {}, el("code", {}, p.name + (p.required ? " *" : ""))), el("td", {}, p.in),
        el("td", {}, (p.schema && (p.schema.type + (p.schema.enum ? " (" + p.schema.enum.join(", ") + ")" : ""))) || ""), el("td", {}, p.description || ""), el("td", {}, input)));
    }
    body.append(t);
  }
  let bodyBox = null, bodyType = "application/json";
  if (op.requestBody) {
    const content = op.requestBody.content; bodyType = Object.keys(content)[0]; const c = content[bodyType];
    body.append(el("h3", {}, "Request body (" + bodyType + ")"), schemaTable(c.schema));
    bodyBox = el("textarea", {rows: 6, name: "body"}); bodyBox.value = JSON.stringify(c.example !== undefined ? c.example : example(c.schema), null, 2);
  }
  body.append(el("h3", {}, "Responses"));
  for (const [code, r] of Object.entries(op.responses || {})) {
    const d = el("div", {}, el("span", {class: "status"}, code + " "), r.description || "");
    for (const [type, c] of Object.entries(r.content || {})) {
      if (c.schema && (c.schema.$ref || c.schema.properties) && code[0] === "2") d.append(schemaTable(c.schema));
      if (code[0] === "2") d.append(el("pre", {}, typeof c.example === "string" ? c.example : JSON.stringify(c.example !== undefined ? c.example : example(c.schema), null, 2)));
    }
    body.append(d);
  }
  body.append(el("h3", {}, "Try it"));
  if (bodyBox) form.append(bodyBox);
  const out = el("pre", {}, "");
  form.append(el("button", {type: "submit"}, "Send " + method.toUpperCase() + " request"));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    let url = path; const q = new URLSearchParams(); const headers = {};
    for (const input of det.querySelectorAll("input[name]")) {
      const [where, name] = input.name.split(":"); if (!input.value) continue;
      if (where === "path") url = url.replace("{" + name + "}", name === "path" ? input.value.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(input.value));
      else if (where === "query") q.set(name, input.value); else if (where === "header") headers[name] = input.value;
    }
    if (q.toString()) url += "?" + q;
    // A typed token goes as a bearer header; blank, the dashboard's login cookie is used, with its CSRF echo.
    const token = document.getElementById("token").value;
    if (token) headers.Authorization = "Bearer " + token;
    else { const m = document.cookie.match(/(?:^|;\s*)flowrun_csrf=([^;]*)/); if (m) headers["X-CSRF-Token"] = decodeURIComponent(m[1]); }
    const init = {method: method.toUpperCase(), headers, credentials: "same-origin"};
    if (bodyBox) { init.body = bodyBox.value; headers["Content-Type"] = bodyType; }
    else if (init.method !== "GET") headers["Content-Type"] = "application/json";
    out.textContent = init.method + " " + url + "\n…";
    try {
      const res = await fetch(url, init);
      const type = res.headers.get("content-type") || "";
      if (type.startsWith("text/event-stream")) { out.textContent = init.method + " " + url + "\n" + res.status + "\n(event stream: open it with EventSource; first bytes follow)\n"; const reader = res.body.getReader(); const {value} = await reader.read(); out.textContent += new TextDecoder().decode(value || new Uint8Array()); reader.cancel(); return; }
      const text = await res.text(); let shown = text;
      if (type.includes("json")) { try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) {} }
      out.textContent = init.method + " " + url + "\n" + res.status + " " + res.statusText + "\n\n" + shown;
    } catch (e) { out.textContent = String(e); }
  });
  form.append(out); body.append(form);
  return det;
}
fetch("/api/openapi.json").then(r => r.json()).then(s => {
  spec = s;
  document.getElementById("version").textContent = "v" + s.info.version + " · OpenAPI " + s.openapi;
  document.getElementById("intro").textContent = s.info.description;
  const ops = document.getElementById("ops"); ops.textContent = "";
  const byTag = {};
  for (const [path, item] of Object.entries(s.paths)) for (const [method, op] of Object.entries(item)) (byTag[(op.tags || ["other"])[0]] ||= []).push([path, method, op]);
  for (const [tag, list] of Object.entries(byTag)) { ops.append(el("h2", {class: "tag"}, tag)); for (const [p, m, o] of list) ops.append(operation(p, m, o)); }
  if (location.hash) { const d = document.getElementById(location.hash.slice(1)); if (d) { d.open = true; d.scrollIntoView(); } }
}).catch(e => { document.getElementById("ops").textContent = "Cannot load /api/openapi.json: " + e; });
