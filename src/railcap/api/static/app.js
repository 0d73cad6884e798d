// railcap pages: every datum comes from /api with the token kept in this browser session.
"use strict";
const CLASS_COLOURS = {passenger: "#1f5fbf", freight: "#7a4a16", military: "#b00020", reserve: "#999999",
                       reserved: "#555555"};

const DAY_LABELS = {"-1": "day before, after 24:00", "1": "day after"};

function token() { return sessionStorage.getItem("railcap-token"); }

async function api(path, options = {}) {
  const headers = Object.assign({"Content-Type": "application/json"}, options.headers || {});
  if (token()) headers.Authorization = "Bearer " + token();
  const res = await fetch(path, Object.assign({}, options, {headers}));
  if (res.status === 401 && !path.endsWith("/token")) { location.href = "/signin"; throw new Error("sign in"); }
  const body = res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    const d = body && body.detail;
    const msg = Array.isArray(d) ? d.map(e => (e.loc || []).filter(x => x !== "body").join(".") + ": " + e.msg).join("\n")
                                 : (d || res.statusText);
    throw new Error(msg);
  }
  return body;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) k === "class" ? e.className = v : e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return e;
}
function message(text, ok = false) { const m = document.getElementById("message"); m.className = ok ? "ok" : "error"; m.textContent = text; }
function fail(err) { message(err.message || String(err)); }

async function whoami() {
  const me = await api("/api/me");
  document.getElementById("who").textContent = `${me.name} (${me.role})`;
  return me;
}

async function fillPoints() {
  const net = await api("/api/network");
  const dl = document.getElementById("points");
  for (const f of net.features) if (f.properties.feature === "operational_point")
    dl.append(el("option", {value: f.properties.id}, f.properties.name));
  return net;
}

// ---------------------------------------------------------------- sign-in
async function pageSignin() {
  sessionStorage.removeItem("railcap-token");
  document.getElementById("who").textContent = "";
  document.getElementById("signin-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      const t = await api("/api/token", {method: "POST", body: JSON.stringify({
        name: document.getElementById("name").value, password: document.getElementById("password").value})});
      sessionStorage.setItem("railcap-token", t.access_token);
      location.href = t.role === "viewer" || t.role === "analyst" ? "/allocations" : "/plan";
    } catch (e) { fail(e); }
  });
}

// ---------------------------------------------------------------- map (SVG, no external library)
const MAP_W = 760, MAP_H = 900;
function projector(features) {
  let x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  for (const f of features) for (const [x, y] of (f.geometry.type === "Point" ? [f.geometry.coordinates] : f.geometry.coordinates)) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const k = Math.cos((y0 + y1) / 2 * Math.PI / 180);
  const s = Math.min((MAP_W - 20) / ((x1 - x0) * k), (MAP_H - 20) / (y1 - y0));
  return ([x, y]) => [10 + (x - x0) * k * s, 10 + (y1 - y) * s];
}
function ramp(v, max) {  // light yellow -> dark red
  const t = Math.max(0, Math.min(1, max ? v / max : 0));
  const c = [[255, 230, 150], [240, 120, 40], [140, 0, 30]];
  const i = t < .5 ? 0 : 1, u = t < .5 ? t * 2 : (t - .5) * 2;
  return `rgb(${c[i].map((a, j) => Math.round(a + (c[i + 1][j] - a) * u)).join(",")})`;
}
const POWER = {"25kV AC": "#b00020", "1.5kV DC": "#1f5fbf", "none": "#7a7a7a"};

async function pageMap() {
  await whoami();
  const net = await api("/api/network");
  const sections = net.features.filter(f => f.properties.feature === "section");
  const points = net.features.filter(f => f.properties.feature === "operational_point");
  const proj = projector(net.features);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", MAP_W); svg.setAttribute("height", MAP_H); svg.setAttribute("id", "network-svg");
  const paths = sections.map(f => {
    const p = document.createElementNS(svg.namespaceURI, "polyline");
    p.setAttribute("points", f.geometry.coordinates.map(c => proj(c).map(v => v.toFixed(1)).join(",")).join(" "));
    p.setAttribute("fill", "none"); p.setAttribute("class", "section"); p.dataset.id = f.properties.id;
    const t = document.createElementNS(svg.namespaceURI, "title"); p.append(t); svg.append(p);
    return [p, t, f.properties];
  });
  for (const f of points) if (["station", "border", "port", "yard", "terminal"].some(k => (f.properties.kind || "").includes(k))) {
    const [x, y] = proj(f.geometry.coordinates);
    const c = document.createElementNS(svg.namespaceURI, "circle");
    c.setAttribute("cx", x.toFixed(1)); c.setAttribute("cy", y.toFixed(1)); c.setAttribute("r", f.properties.kind.includes("border") ? 3 : 1.3);
    c.setAttribute("fill", f.properties.kind.includes("border") ? "#003082" : "#333");
    const t = document.createElementNS(svg.namespaceURI, "title"); t.textContent = `${f.properties.name} (${f.properties.kind})`;
    c.append(t); svg.append(c);
  }
  document.getElementById("map").append(svg);
  let importance = null;
  async function paint() {
    const by = document.getElementById("colour-by").value;
    const legend = document.getElementById("legend"); legend.innerHTML = "";
    document.getElementById("map-note").textContent = "";
    let value = p => p.trains_per_day, max = Math.max(...sections.map(f => f.properties.trains_per_day || 0)), unit = "trains/day";
    if (by === "speed") { value = p => p.max_speed_kmh; max = 200; unit = "km/h"; }
    if (by === "importance") {
      if (!importance) {
        const done = (await api("/api/jobs")).find(j => j.kind === "rank" && j.status === "done");
        if (done) importance = (await api(`/api/jobs/${done.id}/result`)).result.importance_by_section;
      }
      if (!importance) document.getElementById("map-note").textContent = "no finished N-1 ranking yet: start one on the studies page";
      const imp = importance || {};
      value = p => imp[p.id] || 0; max = Math.max(1, ...Object.values(imp)); unit = "km/train";
    }
    for (const [p, t, props] of paths) {
      let colour, label;
      if (by === "electrification") { colour = POWER[props.electrification] || "#7a7a7a"; label = props.electrification; }
      else { const v = value(props) || 0; colour = ramp(v, max); label = `${Math.round(v * 10) / 10} ${unit}`; }
      p.setAttribute("stroke", colour); p.setAttribute("stroke-width", by === "use" ? 1 + 4 * (value(props) || 0) / max : 2);
      t.textContent = `${props.name || props.id}: ${label}`;
    }
    if (by === "electrification") for (const [k, c] of Object.entries(POWER)) legend.append(el("span", {}, el("b", {style: `background:${c}`}), k));
    else for (const f of [0, .25, .5, .75, 1]) legend.append(el("span", {}, el("b", {style: `background:${ramp(f * max, max)}`}), `${Math.round(f * max)} ${unit}`));
  }
  document.getElementById("colour-by").addEventListener("change", () => paint().catch(fail));
  await paint();
}

// ---------------------------------------------------------------- space–time diagram (plotly, served locally)
function drawDiagram(target, d, title) {
  const traces = [];
  const seen = new Set();
  for (const b of d.boxes || []) traces.push({x: [b.km[0], b.km[1], b.km[1], b.km[0], b.km[0]], y: [b.s[0], b.s[0], b.s[1], b.s[1], b.s[0]].map(s => s / 3600),
    fill: "toself", mode: "lines", line: {width: 0}, fillcolor: "rgba(240,120,40,.45)", hoverinfo: "text",
    text: `${b.train_id} new blocking time`, showlegend: !seen.has("new-times") && seen.add("new-times"), name: "displaced trains, new times"});
  const ordered = [...d.lines].sort((a, b) => (a.new ? 1 : 0) - (b.new ? 1 : 0));
  for (const l of ordered) {
    const other = !l.new && l.day ? DAY_LABELS[l.day] : "";  // a train of the day before / after (@day-1, @day+1)
    const key = l.new ? "new:" + l.class : l.moved ? "moved" : other ? `${l.class}:${l.day}` : l.class;
    for (const s of l.stretches) traces.push({x: s.map(p => p[0]), y: s.map(p => p[1] / 3600), mode: "lines",
      line: {color: l.moved ? "#f07828" : (CLASS_COLOURS[l.class] || "#333"), width: l.new ? 4 : 1.2,
             dash: l.moved ? "dash" : other ? "dot" : "solid"}, opacity: other ? 0.65 : 1,
      name: l.new ? (l.label || l.train_id) : l.moved ? "displaced trains (old times)" : other ? `${l.class} (${other})` : l.class,
      legendgroup: key, showlegend: !seen.has(key) && !!seen.add(key), hoverinfo: "text",
      text: (l.label || l.train_id) + (other ? ` — train of the ${other}` : "")});
  }
  const ticks = [];
  for (let h = Math.floor(d.window_s[0] / 3600); h <= Math.ceil(d.window_s[1] / 3600); h += 0.25) ticks.push(h);
  const names = d.points.filter((p, i) => !p.junction || i === 0 || i === d.points.length - 1);
  const step = Math.max(1, Math.ceil(names.length / 14));
  const shown = names.filter((p, i) => i % step === 0 || i === names.length - 1);
  Plotly.newPlot(target, traces, {title: {text: title}, margin: {t: 110, l: 60},
    xaxis: {side: "top", tickvals: shown.map(p => p.km), ticktext: shown.map(p => p.name), tickangle: -40, title: {text: ""}},
    yaxis: {autorange: false, range: [d.window_s[1] / 3600, d.window_s[0] / 3600], tickvals: ticks,
            ticktext: ticks.map(h => `${String(Math.floor(h)).padStart(2, "0")}:${String(Math.round(h % 1 * 60)).padStart(2, "0")}`)},
    legend: {orientation: "h", y: -0.05}}, {displaylogo: false, responsive: true});
}

function hindranceTable(h) {
  if (!h || !h.trains.length) return el("p", {class: "muted"}, "No civil train was moved.");
  const t = el("table", {id: "hindrance-table"}, el("tr", {}, ...["train", "class", "action", "was", "now", "delay min", "rule"].map(c => el("th", {}, c))));
  for (const x of h.trains) t.append(el("tr", {}, el("td", {}, x.train_id), el("td", {}, x.class), el("td", {}, x.action),
    el("td", {}, `${x.old_departure.slice(0, 5)}–${x.old_arrival.slice(0, 5)}`),
    el("td", {}, x.new_departure ? `${x.new_departure.slice(0, 5)}–${x.new_arrival.slice(0, 5)}` : "–"),
    el("td", {}, String(x.delay_min)), el("td", {}, x.rule)));
  return el("div", {}, el("h2", {}, "Civil hindrance"), t);
}

// ---------------------------------------------------------------- path request
function row(container, fields) {
  const r = el("div", {class: "row"});
  for (const [name, ph, size] of fields) r.append(el("input", {name, placeholder: ph, size: String(size), list: name === "op" ? "points" : ""}));
  r.append(el("button", {type: "button", class: "remove"}, "×"));
  r.querySelector(".remove").addEventListener("click", () => r.remove());
  container.append(r);
  return r;
}

function requestBody() {
  const v = id => document.getElementById(id).value.trim();
  const body = {origin: v("origin"), destination: v("destination"), depart_after: v("depart_after"), consist: v("consist"),
                priority: v("priority"), vias: [], windows: []};
  if (v("arrive_before")) body.arrive_before = v("arrive_before");
  for (const r of document.querySelectorAll("#windows .row")) {
    const [op, opens, closes] = [...r.querySelectorAll("input")].map(i => i.value.trim());
    if (op) body.windows.push({op, opens, closes});
  }
  for (const r of document.querySelectorAll("#vias .row")) {
    const [op, dwell] = [...r.querySelectorAll("input")].map(i => i.value.trim());
    if (op) body.vias.push({op, min_dwell_min: Number(dwell || 0)});
  }
  if (body.priority === "military") {
    body.military = {unit: v("unit"), load: v("load"), movement: v("movement")};
    body.passenger_tolerance_min = Number(v("passenger_tolerance_min") || 0);
    body.cancel_passenger = document.getElementById("cancel_passenger").checked;
  }
  return body;
}

function showPlan(res, allocated) {
  const out = document.getElementById("result"); out.innerHTML = "";
  const plan = res.plan;
  if (!plan.found && res.departure_note) out.append(el("p", {class: "note", id: "departure-note"}, res.departure_note));
  if (!plan.found) {
    out.append(el("p", {class: "error", id: "no-path"}, "No path: " + (plan.explanation ? plan.explanation.summary : "")));
    Plotly.purge("diagram");
    return;
  }
  if (allocated) out.append(el("p", {class: "ok", id: "allocated"}, `Allocation ${res.allocation_id} stored as ${res.status}.`));
  if (res.departure_note) out.append(el("p", {class: "note", id: "departure-note"}, res.departure_note));
  const t = el("table", {id: "paths"}, el("tr", {}, ...["#", "train", "departs", "arrives", "journey min", "waiting min", "km"].map(c => el("th", {}, c))));
  for (const p of plan.paths) t.append(el("tr", {}, ...[p.rank, p.train_id, p.departure, p.arrival, p.journey_min, p.waiting_min, p.length_km].map(c => el("td", {}, String(c)))));
  out.append(el("p", {id: "stage"}, `Found on ${plan.stage}; ranked by ${plan.ranked_by}.`), t, hindranceTable(plan.hindrance));
  const best = plan.paths[0];
  drawDiagram("diagram", res.diagram, `${best.train_id} ${plan.request.from} → ${plan.request.to} (${plan.request.priority}), with the displaced trains`);
}

async function pagePlan() {
  const me = await whoami();
  const cons = await api("/api/consists");
  const sel = document.getElementById("consist");
  for (const c of cons) sel.append(el("option", {value: c.id}, `${c.id} — ${c.name}`));
  sel.value = "intermodal-740";
  await fillPoints();
  const priority = document.getElementById("priority");
  const sync = () => document.getElementById("military-box").style.display = priority.value === "military" ? "" : "none";
  priority.addEventListener("change", sync); sync();
  document.getElementById("add-window").addEventListener("click", () => row(document.getElementById("windows"), [["op", "point", 18], ["opens", "from HH:MM", 8], ["closes", "to HH:MM", 8]]));
  document.getElementById("add-via").addEventListener("click", () => row(document.getElementById("vias"), [["op", "point", 18], ["dwell", "min", 4]]));
  if (!me.permissions.includes("allocate") && !me.permissions.includes("request")) document.getElementById("allocate").disabled = true;
  if (me.permissions.includes("request") && !me.permissions.includes("allocate")) document.getElementById("allocate").textContent = "Request (proposed)";
  document.getElementById("plan-form").addEventListener("submit", async ev => {
    ev.preventDefault(); message("planning…", true);
    try { showPlan(await api("/api/paths/plan", {method: "POST", body: JSON.stringify(requestBody())}), false); message(""); }
    catch (e) { fail(e); }
  });
  document.getElementById("allocate").addEventListener("click", async () => {
    message("planning and allocating…", true);
    try { showPlan(await api("/api/paths/allocate", {method: "POST", body: JSON.stringify(requestBody())}), true); message(""); }
    catch (e) { fail(e); }
  });
}

// ---------------------------------------------------------------- diagram page
async function pageDiagram() {
  await whoami();
  await fillPoints();
  const q = new URLSearchParams(location.search);
  async function corridor() {
    const p = new URLSearchParams({from: document.getElementById("c-from").value, to: document.getElementById("c-to").value,
                                   window: document.getElementById("c-window").value});
    const d = await api("/api/corridor?" + p);
    document.getElementById("caption").textContent = `${d.lines.length} trains on the corridor`;
    drawDiagram("diagram", d, `${d.points[0].name} – ${d.points[d.points.length - 1].name}`);
  }
  document.getElementById("corridor-form").addEventListener("submit", ev => { ev.preventDefault(); corridor().catch(fail); });
  if (q.get("allocation")) {
    try {
      const d = await api(`/api/allocations/${q.get("allocation")}/diagram`);
      const a = d.allocation;
      document.getElementById("caption").append(el("p", {id: "allocation-caption", class: a.reserved ? "reserved" : ""},
        a.reserved ? `Allocation ${a.id}: reserved path, ${a.departure}–${a.arrival} (${a.status})`
                   : `Allocation ${a.id}: ${a.train_id} ${a.origin} → ${a.destination}, ${a.consist}, ${a.departure}–${a.arrival} (${a.status})`));
      drawDiagram("diagram", d, a.reserved ? `reserved path ${a.id}` : `${a.train_id} ${a.origin} → ${a.destination}`);
      if (!a.reserved && a.result) document.getElementById("hindrance").append(hindranceTable(a.result.hindrance));
    } catch (e) { fail(e); }
  } else await corridor().catch(fail);
}

// ---------------------------------------------------------------- allocations
async function pageAllocations() {
  const me = await whoami();
  const body = document.querySelector("#allocations tbody");
  async function load() {
    body.innerHTML = "";
    for (const a of await api("/api/allocations")) {
      const details = a.reserved ? "reserved path" : a.military ? `${a.military.unit} · ${a.military.load}` : "";
      const tr = el("tr", {class: a.reserved ? "reserved" : "", "data-id": String(a.id)},
        el("td", {}, String(a.id)), el("td", {}, el("a", {href: `/diagram?allocation=${a.id}`}, a.train_id)),
        el("td", {class: "status"}, a.status === "used" ? `used by allocation ${a.used_by}` : a.status), el("td", {}, a.priority), el("td", {}, a.origin || ""), el("td", {}, a.destination || ""),
        el("td", {}, a.consist || ""), el("td", {}, a.departure), el("td", {}, a.arrival), el("td", {}, details));
      const act = el("td", {});
      if (a.status === "proposed" && me.permissions.includes("confirm")) act.append(button("confirm", a.id));
      if (!["cancelled", "used"].includes(a.status) && (me.permissions.includes("cancel") || me.permissions.includes("cancel-own"))) act.append(button("cancel", a.id));
      tr.append(act); body.append(tr);
    }
  }
  function button(what, id) {
    const b = el("button", {class: what}, what);
    b.addEventListener("click", async () => {
      try { await api(`/api/allocations/${id}/${what}`, {method: "POST"}); message(`allocation ${id}: ${what} done`, true); await load(); }
      catch (e) { fail(e); }
    });
    return b;
  }
  document.getElementById("csv").addEventListener("click", async ev => {
    ev.preventDefault();
    const res = await fetch("/api/allocations.csv", {headers: {Authorization: "Bearer " + token()}});
    const url = URL.createObjectURL(await res.blob());
    el("a", {href: url, download: "allocations.csv"}).click();
  });
  await load();
}

// ---------------------------------------------------------------- studies
async function pageStudies() {
  const me = await whoami();
  const sel = document.getElementById("scenario");
  for (const s of await api("/api/scenarios")) sel.append(el("option", {value: s}, s));
  if (!me.permissions.includes("study")) document.getElementById("start-job").disabled = true;
  document.getElementById("job-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const v = id => document.getElementById(id).value;
    const body = {kind: v("kind"), samples: Number(v("samples")), failures: Number(v("failures"))};
    if (body.kind === "scenario") body.scenario = v("scenario");
    try { const j = await api("/api/jobs", {method: "POST", body: JSON.stringify(body)}); message(`job ${j.id} started`, true); }
    catch (e) { fail(e); }
  });
  async function poll() {
    const body = document.querySelector("#jobs tbody"); body.innerHTML = "";
    for (const j of await api("/api/jobs")) {
      const f = j.progress.fraction ?? 0;
      const show = el("button", {}, "result");
      show.disabled = j.status !== "done";
      show.addEventListener("click", async () => { document.getElementById("job-result").textContent = JSON.stringify((await api(`/api/jobs/${j.id}/result`)).result, null, 1).slice(0, 20000); });
      body.append(el("tr", {}, el("td", {}, String(j.id)), el("td", {}, j.kind + (j.params.scenario ? " " + j.params.scenario : "")),
        el("td", {}, j.owner), el("td", {}, j.status + (j.error ? ": " + j.error.map(e => e.msg).join("; ") : "")),
        el("td", {}, el("span", {class: "bar"}, el("i", {style: `width:${Math.round(f * 100)}%`})), ` ${j.progress.done}/${j.progress.total}`),
        el("td", {}, String(j.seconds)), el("td", {}, show)));
    }
  }
  await poll(); setInterval(() => poll().catch(() => {}), 1500);
}

const PAGES = {signin: pageSignin, map: pageMap, plan: pagePlan, diagram: pageDiagram, allocations: pageAllocations, studies: pageStudies};
window.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page !== "signin" && !token()) { location.href = "/signin"; return; }
  if (["plan", "diagram"].includes(page)) {
    const s = document.createElement("script"); s.src = "/static/plotly.min.js";
    s.onload = () => PAGES[page]().catch(fail); document.head.append(s);
  } else PAGES[page]().catch(fail);
});
