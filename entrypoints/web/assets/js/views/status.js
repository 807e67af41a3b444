// Service status: each dependency's readiness and each index's lag behind the event log.

import { readiness } from "../api.js";
import { h, pageHeading, replace } from "../dom.js";
import { sentence } from "../errors.js";
import { indexName } from "../format.js";

const NAMES = {
  postgres: "Database (Postgres)",
  fingerprint_index: "Fingerprint index (LMDB)",
  vector_index: "Vector index (Qdrant)",
  clap_model: "Sound model (CLAP)",
  fingerprint_lag: "Fingerprint index caught up (this node)",
  embedding_lag: "Vector index caught up (this node)",
};
const OVERALL = {
  ready: "Ready: everything works.",
  degraded: "Working, with parts unavailable (see below).",
  not_ready: "Not ready: a required part is down.",
};
const REFRESH_MS = 5000;

export function render(main) {
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "muted" }, "Checking…"));
  replace(main, pageHeading("Service status"), body);
  let timer = 0;
  const refresh = async () => {
    try {
      replace(body, report(await readiness()));
    } catch (error) {
      replace(body, h("p", { class: "error", role: "alert" }, sentence(error)));
    }
    timer = setTimeout(refresh, REFRESH_MS);
  };
  refresh();
  return () => clearTimeout(timer);
}

function report(ready) {
  return [
    h("p", { class: `overall ${ready.status}`, "data-testid": "overall" }, OVERALL[ready.status]),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Dependencies"),
      h(
        "table",
        { class: "status" },
        h("thead", {}, h("tr", {}, ["Part", "State", "Needed"].map((c) => h("th", { scope: "col" }, c)))),
        h(
          "tbody",
          {},
          Object.entries(ready.checks).map(([name, check]) =>
            h(
              "tr",
              { class: check.status },
              h("td", {}, NAMES[name] ?? name, check.detail ? h("small", { class: "detail" }, check.detail) : null),
              h(
                "td",
                {},
                check.status === "ok" ? "working" : check.status,
                // null: not asked this time (the model is loaded once, at start)
                check.latency_ms == null ? null : h("small", {}, `answered in ${check.latency_ms.toFixed(1)} ms`),
              ),
              h("td", {}, check.required ? "required" : "optional"),
            ),
          ),
        ),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Indexes"),
      h(
        "p",
        { class: "muted" },
        `The event log is at position ${ready.event_log_head ?? "unknown"}; this is node ${ready.node || "unknown"}.`,
      ),
      h(
        "table",
        { class: "status" },
        h("thead", {}, h("tr", {}, ["Index", "Applied up to", "Behind"].map((c) => h("th", { scope: "col" }, c)))),
        h(
          "tbody",
          {},
          Object.entries(ready.projections).map(([name, lag]) =>
            h(
              "tr",
              {},
              h("td", {}, indexName(name)),
              h("td", { class: "number" }, String(lag.checkpoint)),
              h("td", { class: "number", "data-testid": `lag-${name}` }, lag.lag_events === 0 ? "up to date" : `${lag.lag_events} events`),
            ),
          ),
        ),
      ),
    ),
  ];
}
