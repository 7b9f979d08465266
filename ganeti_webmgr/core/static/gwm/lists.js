// Lists: a header checkbox selects every row of the page; choosing "all N matching"
// leaves the row checkboxes aside (the server evaluates the filter instead).
"use strict";

document.querySelectorAll("input[data-select-all]").forEach((all) => {
  const form = all.form || all.closest("form");
  const name = all.dataset.selectAll;
  const rows = () => Array.from(form.querySelectorAll(`input[type=checkbox][name="${name}"]`));
  const sync = () => {
    const boxes = rows();
    const checked = boxes.filter((box) => box.checked).length;
    all.checked = boxes.length > 0 && checked === boxes.length;
    all.indeterminate = checked > 0 && checked < boxes.length;
  };
  all.addEventListener("change", () => {
    rows().forEach((box) => {
      box.checked = all.checked;
    });
    const selected = form.querySelector("input[name=scope][value=selected]");
    if (selected && all.checked) selected.checked = true;
  });
  form.addEventListener("change", (event) => {
    if (event.target !== all && event.target.name === name) sync();
  });
  sync();
});
