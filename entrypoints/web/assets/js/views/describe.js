// Describe a sound in words → tracks that sound like it (the CLAP text tower).

import { searchText } from "../api.js";
import { vibeSwitchedOff } from "../capabilities.js";
import { h, pageHeading, replace } from "../dom.js";
import { sentence } from "../errors.js";
import { vibeList } from "../matches.js";

let lastText = "";

export function render(main) {
  if (vibeSwitchedOff()) {
    replace(
      main,
      pageHeading("Describe a sound"),
      h("p", { class: "notice", "data-testid": "describe-off" }, "Searching by description is switched off on this server."),
    );
    return;
  }
  const text = h("input", {
    type: "search",
    id: "describe-text",
    value: lastText,
    maxlength: "500",
    required: true,
    placeholder: "calm piano with rain",
  });
  const button = h("button", { type: "submit" }, "Find");
  const answer = h("div", { class: "result-area", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "inline-form", role: "search" },
    h("label", { for: "describe-text", class: "visually-hidden" }, "Describe the sound"),
    text,
    button,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    lastText = text.value.trim();
    if (!lastText) return;
    button.disabled = true;
    replace(answer, h("p", { class: "muted" }, "Searching…"));
    try {
      const found = await searchText(lastText);
      replace(answer, vibeList(found.vibe_matches, `Sounds like “${lastText}”`));
    } catch (error) {
      replace(answer, h("p", { class: "error", role: "alert" }, sentence(error)));
    } finally {
      button.disabled = false;
    }
  });
  replace(
    main,
    pageHeading("Describe a sound"),
    h("p", { class: "lede" }, "Say what you want to hear; the library's closest-sounding tracks come back."),
    form,
    answer,
  );
}
