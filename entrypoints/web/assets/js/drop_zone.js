// A place to drop files, with a button for those who pick them instead (or use a keyboard).
// `more`: other buttons, each picking files for its own purpose ({button, testId, onFiles});
// a drop goes to `onFiles`.

import { h } from "./dom.js";

function picker(label, testId, onFiles, { multiple, accept, quiet }) {
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
  const button = h("button", { type: "button", class: quiet ? "quiet" : "secondary", onclick: () => input.click() }, label);
  return [button, input];
}

export function dropZone({ prompt, button, multiple = false, accept, testId, onFiles, more = [] }) {
  const options = { multiple, accept };
  const zone = h(
    "div",
    { class: "drop-zone", "data-testid": "drop-zone" },
    h("p", {}, prompt),
    picker(button, testId, onFiles, options),
    more.map((other) => picker(other.button, other.testId, other.onFiles, { ...options, quiet: true })),
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
