// Start GOV.UK Frontend's components (character counts, error summary focus, navigation).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();

// Links to documents that take a while to print (the panel pack) say so while they print, then
// hand the file over; without JavaScript they are plain download links.
for (const link of document.querySelectorAll("a[data-bidtool-printing]")) {
  const status = document.createElement("p");
  status.className = "govuk-body govuk-!-margin-top-1";
  status.setAttribute("role", "status");
  link.after(status);
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") return;
    link.setAttribute("aria-disabled", "true");
    const started = Date.now();
    const tick = () => {
      const seconds = Math.round((Date.now() - started) / 1000);
      status.textContent = `Printing the panel pack: ${seconds} s so far. The download starts when it is ready.`;
    };
    tick();
    const timer = setInterval(tick, 1000);
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const file = URL.createObjectURL(await response.blob());
      const save = document.createElement("a");
      save.href = file;
      save.download = link.getAttribute("download") || "panel-pack.pdf";
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(file), 60_000);
      status.textContent = `The panel pack is printed (${Math.round((Date.now() - started) / 1000)} s) and downloaded.`;
    } catch (error) {
      status.textContent = `The panel pack could not be printed (${error.message}). Try again.`;
    } finally {
      clearInterval(timer);
      link.removeAttribute("aria-disabled");
    }
  });
}
