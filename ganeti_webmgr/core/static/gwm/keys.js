// Site-wide keys: "/" moves to the search box in the top bar (unless one is typing).
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
  if (target.closest && target.closest("[data-console-screen]")) return;  // keys go to the VM
  const box = document.getElementById("site-search");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
