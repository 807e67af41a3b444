// A place to drop files, with a button for those who pick them instead (or use a keyboard).

import { h } from "./dom.js";

export function dropZone({ prompt, button, multiple = false, accept, testId, onFiles }) {
  const input = h("input", {
    type: "file",
    multiple,
    accept,
    hidden: true,
    "data-testid": testId,
    onchange: async () => {
      await onFiles([...input.files]);
      input.value = "";
    },
  });
  const zone = h(
    "div",
    { class: "drop-zone", "data-testid": "drop-zone" },
    h("p", {}, prompt),
    h("button", { type: "button", class: "secondary", onclick: () => input.click() }, button),
    input,
  );
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    onFiles([...event.dataTransfer.files]);
  });
  return zone;
}
