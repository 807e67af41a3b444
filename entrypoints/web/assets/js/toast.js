// A short message at the bottom of the screen, read out by screen readers.

let timer = 0;

export function toast(text, { error = false } = {}) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.classList.toggle("error", error);
  box.classList.add("shown");
  clearTimeout(timer);
  timer = setTimeout(() => box.classList.remove("shown"), 6000);
}
