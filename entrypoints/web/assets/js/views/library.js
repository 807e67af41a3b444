// The library: a searchable, sortable, paged table. Its state lives in the URL fragment
// (#/library?q=…&page=2), so back, forward and a reload keep the page; changes reload the
// table in place (history.pushState fires no hashchange), so the search box keeps focus.

import { tracks } from "../api.js";
import { h, pageHeading, replace } from "../dom.js";
import { sentence } from "../errors.js";
import { artist, date, duration } from "../format.js";

const SIZES = [10, 25, 50, 100];
const SORTS = {
  "-created_at": "Newest first",
  created_at: "Oldest first",
  title: "Title",
  artist: "Artist",
  "-duration": "Longest first",
  duration: "Shortest first",
};

function stateOf(params) {
  return {
    q: params.get("q") ?? "",
    page: Math.max(1, Number(params.get("page")) || 1),
    size: SIZES.includes(Number(params.get("size"))) ? Number(params.get("size")) : 25,
    sort: params.get("sort") in SORTS ? params.get("sort") : "-created_at",
  };
}

function fragment(state) {
  const params = new URLSearchParams({ page: state.page, size: state.size, sort: state.sort });
  if (state.q) params.set("q", state.q);
  return `#/library?${params}`;
}

export function render(main, params) {
  let state = stateOf(params);
  let controller = new AbortController();
  const go = (changes, { replaceEntry = false } = {}) => {
    state = { ...state, ...changes };
    history[replaceEntry ? "replaceState" : "pushState"](null, "", fragment(state));
    controller.abort();
    controller = new AbortController();
    load(body, state, controller.signal, go);
  };
  const search = h("input", { type: "search", id: "library-search", value: state.q, placeholder: "title, artist or album" });
  let typing = 0;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => go({ q: search.value.trim(), page: 1 }, { replaceEntry: true }), 300);
  });
  const select = (id, label, options, value, key) =>
    h(
      "label",
      { for: id },
      label,
      " ",
      h(
        "select",
        { id, onchange: (event) => go({ [key]: event.target.value, page: 1 }) },
        Object.entries(options).map(([v, text]) => h("option", { value: v, selected: String(value) === v }, text)),
      ),
    );
  const body = h("div", { class: "table-area", "aria-live": "polite" }, h("p", { class: "muted" }, "Loading…"));
  replace(
    main,
    pageHeading("Library"),
    h(
      "div",
      { class: "toolbar" },
      h("label", { for: "library-search", class: "visually-hidden" }, "Search the library"),
      search,
      select("library-sort", "Sort", SORTS, state.sort, "sort"),
      select("library-size", "Per page", Object.fromEntries(SIZES.map((s) => [s, String(s)])), state.size, "size"),
    ),
    body,
  );
  load(body, state, controller.signal, go);
  return () => {
    clearTimeout(typing);
    controller.abort();
  };
}

async function load(body, state, signal, go) {
  try {
    const page = await tracks({ page: state.page, pageSize: state.size, q: state.q, sort: state.sort }, signal);
    const focused = document.activeElement?.dataset?.pager; // keep keyboard users in place
    replace(body, table(page, state), pager(page, go));
    if (focused) body.querySelector(`[data-pager="${focused}"]:enabled, [data-pager]:enabled`)?.focus();
  } catch (error) {
    if (error.name !== "AbortError") replace(body, h("p", { class: "error", role: "alert" }, sentence(error)));
  }
}

function table(page, state) {
  if (!page.items.length) {
    return h("p", { class: "empty", "data-testid": "library-empty" }, state.q ? `Nothing matches “${state.q}”.` : "The library is empty: an admin can add tracks on the Admin page.");
  }
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "tracks", "data-testid": "library-table" },
      h("thead", {}, h("tr", {}, ["Title", "Artist", "Album", "Length", "Added"].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        page.items.map((t) =>
          h(
            "tr",
            {},
            h("td", { "data-label": "Title" }, h("a", { href: `#/track/${t.id}` }, t.title)),
            h("td", { "data-label": "Artist", class: t.artist ? null : "missing" }, artist(t.artist)),
            h("td", { "data-label": "Album", class: t.album ? null : "missing" }, t.album ?? "—"),
            h("td", { "data-label": "Length", class: "number" }, duration(t.duration_seconds)),
            h("td", { "data-label": "Added" }, t.created_at ? date(t.created_at) : "—"),
          ),
        ),
      ),
    ),
  );
}

function pager(page, go) {
  const pages = Math.max(1, Math.ceil(page.total / page.page_size));
  const first = (page.page - 1) * page.page_size + 1;
  const last = Math.min(page.total, page.page * page.page_size);
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    h("button", { type: "button", class: "secondary", "data-pager": "previous", disabled: page.page <= 1, onclick: () => go({ page: page.page - 1 }) }, "‹ Previous"),
    h("span", { "data-testid": "pager-status" }, page.total ? `${first}–${last} of ${page.total} · page ${page.page} of ${pages}` : "no tracks"),
    h("button", { type: "button", class: "secondary", "data-pager": "next", disabled: page.page >= pages, onclick: () => go({ page: page.page + 1 }) }, "Next ›"),
  );
}
