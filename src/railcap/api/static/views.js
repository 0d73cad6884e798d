// railcap pages for capacity, the portfolio and movements (loaded after app.js; same helpers).
"use strict";

async function startJob(body) {
  const j = await api("/api/jobs", {method: "POST", body: JSON.stringify(body)});
  message(`job ${j.id} started`, true);
  return j;
}

async function waitJob(id, bar) {  // polls until done; shows progress in `bar`
  for (;;) {
    const j = await api(`/api/jobs/${id}`);
    bar.textContent = `job ${id}: ${j.status} ${j.progress.done}/${j.progress.total || "?"}`;
    if (j.status === "done") return (await api(`/api/jobs/${id}/result`)).result;
    if (j.status === "failed") throw new Error(j.error.map(e => (e.loc || []).slice(-1) + ": " + e.msg).join("\n"));
    await new Promise(r => setTimeout(r, 700));
  }
}

function table(id, columns, rows, cls = () => "") {
  const t = document.getElementById(id);
  t.innerHTML = "";
  t.append(el("thead", {}, el("tr", {}, ...columns.map(c => el("th", {}, c[0])))));
  const body = el("tbody", {});
  for (const r of rows) body.append(el("tr", {class: cls(r)}, ...columns.map(c => el("td", {}, String(c[1](r) ?? "")))));
  t.append(body);
}

// ---------------------------------------------------------------- capacity
async function pageCapacity() {
  await whoami();
  async function load() {
    const w = document.getElementById("window").value;
    const r = await api(`/api/capacity/report?window=${encodeURIComponent(w)}&top=${document.getElementById("top").value}`);
    document.getElementById("norm").textContent = `${r.method}; norm ${r.norm.peak_hour_pct} % peak hour / ` +
      `${r.norm.daily_pct} % daily (${r.norm.source}); window ${r.window} held against the ${r.norm.window_held_against}; ` +
      `${r.line_sections_total} line sections, ${r.bottlenecks.length} over the norm`;
    table("capacity", [["line section", x => x.line_section], ["from", x => x.from], ["to", x => x.to],
      ["lane", x => x.lane], ["km", x => x.length_km], ["trains", x => x.trains], ["compressed min", x => x.compressed_min],
      ["rate %", x => x.rate_pct], ["peak hour", x => x.peak_hour], ["peak rate %", x => x.peak_rate_pct],
      ["over norm", x => x.over_norm ? "yes" : ""]], r.line_sections, x => x.over_norm ? "over" : "");
  }
  document.getElementById("capacity-form").addEventListener("submit", ev => { ev.preventDefault(); load().catch(fail); });
  await load();
}

// ---------------------------------------------------------------- portfolio
const EUR = v => v == null ? "" : `€ ${(v / 1e6).toFixed(1)} M`;

async function pagePortfolio() {
  const me = await whoami();
  const measures = await api("/api/portfolio/measures");
  table("measures", [["", m => ""], ["measure", m => m.id], ["name", m => m.name], ["priority", m => m.priority],
    ["funding", m => m.funding], ["total", m => EUR(m.total_eur)], ["modelled", m => m.modelled ? "yes" : m.not_modelled]],
    measures);
  document.querySelectorAll("#measures tbody tr").forEach((tr, i) => {
    if (measures[i].modelled) tr.firstChild.append(el("input", {type: "checkbox", value: measures[i].id, class: "pick"}));
  });
  const out = document.getElementById("portfolio-result");
  for (const b of document.querySelectorAll("#evaluate, #optimise")) b.disabled = !me.permissions.includes("study");
  async function run(body, show) {
    try { const j = await startJob(body); show(await waitJob(j.id, document.getElementById("progress"))); } catch (e) { fail(e); }
  }
  document.getElementById("evaluate").addEventListener("click", () => {
    const ids = [...document.querySelectorAll(".pick:checked")].map(c => c.value);
    if (!ids.length) { message("tick at least one modelled measure"); return; }
    run({kind: "portfolio-evaluate", measures: ids, demand_scenario: document.getElementById("demand").value}, r => {
      out.innerHTML = "";
      out.append(el("h2", {}, `Evaluated (${r.scenario})`), el("table", {id: "changes"}));
      const cols = Object.keys(r.changes[0] || {});
      table("changes", cols.map(c => [c, x => x[c]]), r.changes);
    });
  });
  document.getElementById("optimise").addEventListener("click", () => {
    const budget = Number(document.getElementById("budget").value) * 1e6;
    run({kind: "portfolio-optimise", budget_eur: budget, demand_scenario: document.getElementById("demand").value}, r => {
      out.innerHTML = "";
      out.append(el("h2", {}, `Best set for ${EUR(r.budget_eur)}: ${EUR(r.cost_eur)}, score ${r.evaluated_score}`),
                 el("table", {id: "chosen"}));
      table("chosen", [["measure", v => v.id], ["name", v => v.name], ["chosen", v => v.chosen ? "yes" : ""],
        ["total", v => EUR(v.total_eur)], ["score", v => v.score], ["why", v => v.reason]], r.verdicts,
        v => v.chosen ? "chosen" : "");
    });
  });
}

// ---------------------------------------------------------------- movements (military: defence and capacity planners)
// The example order starts a few days from today (an order that starts in the past is refused).
function exampleOrderFromToday(days) {
  const box = document.getElementById("order");
  const day = new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
  box.value = box.value.replace(/"earliest_day": "\d{4}-\d{2}-\d{2}"/, `"earliest_day": "${day}"`);
}

async function pageMovement() {
  const me = await whoami();
  table("sites", [["site", s => s.name], ["kind", s => s.kind], ["tracks", s => s.tracks],
    ["trains/day", s => s.trains_per_day], ["load min", s => s.load_time_min], ["hours", s => `${s.opens}–${s.closes}`]],
    await api("/api/movements/sites"));
  exampleOrderFromToday(4);
  const plan = document.getElementById("plan-movement");
  if (!me.permissions.includes("plan-military")) {
    plan.disabled = true;
    message(`the role ${me.role} may not plan military movements`);
  }
  const store = document.getElementById("allocate-movement");
  store.disabled = !me.permissions.includes("allocate");
  plan.addEventListener("click", () => movementJob("movement-plan"));
  store.addEventListener("click", () => movementJob("movement-allocate"));
  async function movementJob(kind) {
    let order;
    try { order = JSON.parse(document.getElementById("order").value); } catch (e) { message("the order is not valid JSON: " + e.message); return; }
    try {
      const j = await startJob({kind, order});
      const r = await waitJob(j.id, document.getElementById("progress"));
      document.getElementById("summary").textContent =
        `${r.unit}: ${r.planned} of ${r.trains} trains planned to ${r.destination} from ${r.first_day} over ${r.days} day(s)` +
        (r.allocation_ids ? `; stored as confirmed allocations ${r.allocation_ids.join(", ")}` : "");
      table("movement", [["train", t => t.train], ["consist", t => t.consist], ["site", t => t.loading_site],
        ["day", t => t.loaded_day], ["departure", t => t.departure], ["handover", t => `${t.handover_date} ${t.handover}`],
        ["min", t => t.journey_min], ["via", t => t.route_via.join(", ")], ["civil trains moved", t => t.civil_trains_moved]],
        r.movement);
      if (r.unplanned.length)
        table("unplanned", [["not planned", u => u.train], ["consist", u => u.consist], ["why", u => u.reason]], r.unplanned);
    } catch (e) { fail(e); }
  }
}

Object.assign(PAGES, {capacity: pageCapacity, portfolio: pagePortfolio, movement: pageMovement});
