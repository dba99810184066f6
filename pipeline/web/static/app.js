// Wirestream live page: /events.json once, then /events/stream (Server-Sent Events).
// Keeps the latest record per event id (bounded like the server) and redraws the map
// markers, the timeline and the table. No external scripts, no network beyond this server.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const state = { events: new Map(), max: 500, colour: "quad", reader: "connecting" };
const UNITS = [
  { name: "hour", ms: 3600e3, label: (d) => d.toISOString().slice(0, 13).replace("T", " ") + "h" },
  { name: "day", ms: 86400e3, label: (d) => d.toISOString().slice(0, 10) },
];
const MAX_BARS = 120;
const MIN_BARS = 24;

function newestFirst(a, b) {
  return (Date.parse(b.last_seen) - Date.parse(a.last_seen)) ||
    (Date.parse(b.first_seen) - Date.parse(a.first_seen)) ||
    (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function sortedEvents() {
  return Array.from(state.events.values()).sort(newestFirst);
}

function trim() {
  if (state.events.size <= state.max) return;
  for (const e of sortedEvents().slice(state.max)) state.events.delete(e.id);
}

function actorText(actor) {
  if (!actor) return "—";
  return actor.text === actor.code ? actor.code : `${actor.text} (${actor.code})`;
}

function eventDate(e) {
  if (e.date_start && e.date_end && e.date_end !== e.date_start) {
    return `${e.date_start}…${e.date_end}`;
  }
  return e.date_start || e.first_seen.slice(0, 10);
}

function placeText(e) {
  if (!e.location) return "—";
  return e.location.country ? `${e.location.name} (${e.location.country})` : e.location.name;
}

function colourClass(e) {
  if (state.colour === "goldstein") {
    return e.goldstein > 0 ? "gpos" : e.goldstein < 0 ? "gneg" : "gzero";
  }
  return `q${e.quad_class}`;
}

function tooltip(e) {
  return [
    `${actorText(e.source)} → ${actorText(e.target)}`,
    `CAMEO ${e.code} ${e.label} (root ${e.root} ${e.root_label}), quad class ${e.quad_class}`,
    `Goldstein ${e.goldstein}, ${e.status}`,
    `Date ${eventDate(e)} · ${placeText(e)}`,
    `${e.num_mentions} mention(s) in ${e.num_articles} article(s) from ${e.num_sources} source(s)`,
    e.title ? `“${e.title}”` : "",
  ].filter(Boolean).join("\n");
}

function svgElement(name, attrs, text) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) {
    const title = document.createElementNS(SVG_NS, "title");
    title.textContent = text;
    node.appendChild(title);
  }
  return node;
}

function renderMarkers(events) {
  const layer = document.getElementById("markers");
  const located = events.filter((e) => e.x !== null && e.y !== null);
  const circles = located.slice().reverse().map((e) => svgElement("circle", {
    "data-event-id": e.id, class: `marker ${colourClass(e)}`, cx: e.x, cy: e.y,
    r: (4.5 + 2 * Math.log2(Math.max(1, e.num_mentions))).toFixed(1),
  }, tooltip(e)));
  layer.replaceChildren(...circles);  // newest drawn last, on top
  const missing = events.length - located.length;
  document.getElementById("unlocated").textContent =
    missing ? `${missing} event(s) without coordinates are in the table only` : "";
}

function chooseUnit(times) {
  const span = Math.max(...times) - Math.min(...times);
  return UNITS.find((u) => span / u.ms < MAX_BARS) || UNITS[UNITS.length - 1];
}

function renderTimeline(events) {
  const chart = document.getElementById("timeline");
  if (!events.length) {
    chart.replaceChildren();
    document.getElementById("axis-start").textContent = "";
    document.getElementById("axis-end").textContent = "";
    return;
  }
  const times = events.map((e) => Date.parse(e.first_seen));
  const unit = chooseUnit(times);
  const last = Math.floor(Math.max(...times) / unit.ms);
  const first = Math.max(Math.min(Math.floor(Math.min(...times) / unit.ms), last - MIN_BARS + 1),
    last - MAX_BARS + 1);
  const counts = new Array(last - first + 1).fill(0);
  for (const t of times) {
    const index = Math.floor(t / unit.ms) - first;
    if (index >= 0) counts[index] += 1;
  }
  const top = Math.max(...counts);
  const width = 1000 / counts.length;
  chart.replaceChildren(...counts.map((count, i) => {
    const height = count ? Math.max(3, (count / top) * 130) : 0;
    const label = unit.label(new Date((first + i) * unit.ms));
    return svgElement("rect", {
      class: "bar", "data-bucket": label, "data-count": count,
      x: (i * width + width * 0.1).toFixed(2), width: (width * 0.8).toFixed(2),
      y: (140 - height).toFixed(2), height: height.toFixed(2),
    }, `${label}: ${count} event(s)`);
  }));
  document.getElementById("bucket-unit").textContent = unit.name;
  document.getElementById("axis-start").textContent = unit.label(new Date(first * unit.ms));
  document.getElementById("axis-end").textContent =
    `${unit.label(new Date(last * unit.ms))} · max ${top}`;
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function renderTable(events) {
  const rows = events.map((e) => {
    const row = document.createElement("tr");
    row.dataset.eventId = e.id;
    row.title = tooltip(e);
    cell(row, e.last_seen.slice(5, 16).replace("T", " "), "when");
    cell(row, actorText(e.source));
    const code = cell(row, `${e.code} ${e.label}`, "code");
    const swatch = document.createElement("span");
    swatch.className = `swatch ${colourClass(e)}`;
    code.prepend(swatch);
    cell(row, actorText(e.target));
    cell(row, placeText(e));
    cell(row, e.goldstein.toFixed(1), "num");
    cell(row, String(e.num_mentions), "num");
    return row;
  });
  document.querySelector("#events tbody").replaceChildren(...rows);
}

function renderStatus() {
  const status = document.getElementById("status");
  status.textContent = state.reader;
  status.className = "status" + (state.reader === "live" ? " live" :
    state.reader.startsWith("error") ? " error" : "");
  document.getElementById("count").textContent = `${state.events.size} event(s) (max ${state.max})`;
  document.getElementById("legend-quad").hidden = state.colour !== "quad";
  document.getElementById("legend-goldstein").hidden = state.colour !== "goldstein";
}

let renderPending = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  setTimeout(() => {
    renderPending = false;
    const events = sortedEvents();
    renderMarkers(events);
    renderTimeline(events);
    renderTable(events);
    renderStatus();
  }, 50);
}

function applySnapshot(body) {
  state.max = body.max_events;
  state.reader = body.reader;
  state.events = new Map(body.events.map((e) => [e.id, e]));
  scheduleRender();
}

function applyUpdate(message) {
  if (message.event) state.events.set(message.event.id, message.event);
  for (const id of message.evicted) state.events.delete(id);
  trim();
  scheduleRender();
}

const HANDLERS = {
  snapshot: (data) => applySnapshot(JSON.parse(data)),
  update: (data) => applyUpdate(JSON.parse(data)),
  status: (data) => { state.reader = JSON.parse(data).reader; scheduleRender(); },
  open: () => { document.body.dataset.stream = "open"; },
  error: () => { state.reader = "reconnecting…"; scheduleRender(); },
};

// The EventSource lives in a dedicated worker (stream.js), so that the page itself has no
// request that never ends (headless browsers wait for those before a screenshot).
let streamMessages = 0;
function connect() {
  if (window.Worker) {
    const worker = new Worker("/stream.js");
    worker.onmessage = (ev) => {
      document.body.dataset.streamMessages = String(++streamMessages);
      HANDLERS[ev.data.type](ev.data.data);
    };
    return;
  }
  const stream = new EventSource("/events/stream");
  for (const type of ["snapshot", "update", "status"]) {
    stream.addEventListener(type, (ev) => HANDLERS[type](ev.data));
  }
  stream.onopen = HANDLERS.open;
  stream.onerror = HANDLERS.error;
}

document.getElementById("colour").addEventListener("change", (ev) => {
  state.colour = ev.target.value;
  scheduleRender();
});

fetch("/events.json")
  .then((response) => response.json())
  .then(applySnapshot)
  .catch(() => { state.reader = "snapshot failed"; scheduleRender(); })
  .finally(connect);
