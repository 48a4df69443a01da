// The validator dashboard: polls the admin HTTP server's JSON paths and draws with uPlot.
// Plain browser JavaScript served as is (no build step).

const POLL_MS = 1000;
const HISTORY = 300;
const PHASES = { NominatePrepare: 2, Prepare: 3, Commit: 4, Externalize: 5 };
const COLOURS = {
  self: "#036",
  agreeing: "#2a2",
  delayed: "#d80",
  missing: "#c00",
  disagreeing: "#a0a",
};
const series = { t: [], height: [], phase: [], pending: [] };
const latency = { t: [], ms: [] };
const charts = {};

const $ = (id) => document.getElementById(id);
async function getJson(path) {
  const r = await fetch(path, { cache: "no-store" });
  return r.json();
}
function text(id, value) {
  $(id).textContent = String(value);
}
function chart(id, label, data, time = true) {
  const el = $(id);
  if (!charts[id]) {
    charts[id] = new uPlot(
      {
        width: 420,
        height: 160,
        series: [{ label: time ? "time" : "block" }, { label, stroke: "#36c", width: 2 }],
        scales: { x: { time } },
      },
      data,
      el,
    );
  } else charts[id].setData(data);
}
function push(status) {
  // The browser's clock: the x axis is when the page saw the value.
  const t = Date.now() / 1000;
  series.t.push(t);
  series.height.push(status.block_height);
  series.phase.push(PHASES[status.phase] ?? 0);
  series.pending.push(status.pending_values);
  for (const k of Object.keys(series)) if (series[k].length > HISTORY) series[k].shift();
  latency.t.length = 0;
  latency.ms.length = 0;
  for (const b of status.blocks)
    for (const ms of b.latencies_ms) {
      latency.t.push(b.slot);
      latency.ms.push(ms);
    }
}
function blockRate(blocks, nowMs) {
  const recent = blocks.filter((b) => nowMs - b.at_ms <= 60000);
  return recent.length;
}
function rows(tbody, list) {
  tbody.replaceChildren(
    ...list.map((cells) => {
      const tr = document.createElement("tr");
      for (const c of cells) {
        const td = document.createElement("td");
        td.textContent = c.text;
        if (c.cls) td.className = c.cls;
        tr.append(td);
      }
      return tr;
    }),
  );
}
const ago = (ms) => (ms === null ? "never" : `${Math.round(ms / 1000)} s ago`);

function drawQuorum(q) {
  const svg = $("quorum-graph");
  const ns = "http://www.w3.org/2000/svg";
  const nodes = q.members;
  const pos = new Map();
  nodes.forEach((m, i) => {
    const a = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
    pos.set(m.id, [210 + 120 * Math.cos(a), 160 + 120 * Math.sin(a)]);
  });
  const parts = [];
  for (const m of nodes)
    for (const to of m.trusts ?? []) {
      const [a, b] = [pos.get(m.id), pos.get(to)];
      if (!a || !b) continue;
      const l = document.createElementNS(ns, "line");
      l.setAttribute("x1", a[0]);
      l.setAttribute("y1", a[1]);
      l.setAttribute("x2", b[0]);
      l.setAttribute("y2", b[1]);
      l.setAttribute("stroke", "#bbb");
      parts.push(l);
    }
  for (const m of nodes) {
    const [x, y] = pos.get(m.id);
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", x);
    c.setAttribute("cy", y);
    c.setAttribute("r", 14);
    c.setAttribute("fill", COLOURS[m.state] ?? "#888");
    c.setAttribute("data-member", m.id);
    c.setAttribute("data-state", m.state);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", x + 16);
    label.setAttribute("y", y + 4);
    label.setAttribute("font-size", "11");
    label.textContent = `${m.id} (${m.state})`;
    parts.push(c, label);
  }
  svg.replaceChildren(...parts);
}

async function poll() {
  try {
    const [status, info, ready, quorum, scp] = await Promise.all([
      getJson("/api/status"),
      getJson("/info"),
      getJson("/readyz"),
      getJson("/quorum"),
      getJson("/scp"),
    ]);
    const config = JSON.parse(info.config_json);
    text("node-id", info.id);
    text("block-height", config.status.block_height);
    text("block-rate", blockRate(status.blocks, status.now_ms));
    text("slot", status.current_slot);
    text("phase", status.phase);
    text("pending", status.pending_values);
    text("sync", status.sync);
    const badge = $("ready");
    badge.textContent = ready.ok ? "ready" : "not ready";
    badge.className = `badge ${ready.ok ? "ok" : "bad"}`;
    $("reasons").replaceChildren(
      ...(ready.reasons.length === 0 ? [{ code: "OK", text: "ready" }] : ready.reasons).map((r) => {
        const li = document.createElement("li");
        li.textContent = `${r.code}: ${r.text}`;
        return li;
      }),
    );
    push(status);
    chart("chart-height", "height", [series.t, series.height]);
    chart("chart-phase", "phase", [series.t, series.phase]);
    chart("chart-pending", "pending", [series.t, series.pending]);
    chart("chart-latency", "latency ms", [latency.t, latency.ms], false);
    drawQuorum(quorum);
    text(
      "quorum-summary",
      `quorum: ${quorum.hasQuorum ? "yes" : "NO"}; intersects: ${quorum.intersection.intersects}; ` +
        `liveness tolerates ${quorum.liveness.tolerates}, safety tolerates ${quorum.safety.tolerates} more failures`,
    );
    rows(
      $("members").tBodies[0],
      quorum.members.map((m) => [
        { text: m.id },
        { text: m.state, cls: `state-${m.state}` },
        { text: m.behindSlots ?? "?" },
        { text: ago(m.lastHeardAgoMs) },
      ]),
    );
    rows(
      $("peers").tBodies[0],
      status.peers.map((p) => [
        { text: p.id },
        { text: p.last_heard_ms === null ? "never" : ago(status.now_ms - p.last_heard_ms) },
        { text: p.queue },
      ]),
    );
    $("waiting").replaceChildren(
      ...scp.waiting.map((w) => {
        const li = document.createElement("li");
        li.textContent = `${w.code}: ${w.text}`;
        return li;
      }),
    );
    document.body.dataset.updated = String(status.now_ms);
  } catch (e) {
    $("ready").textContent = `unreachable: ${e}`;
  }
}
poll();
setInterval(poll, POLL_MS);
