// Lists (web/listing.py): a filter left empty stays out of the request and so out of the pushed URL,
// which then holds only what the person chose (a clean address to bookmark or send).
document.addEventListener("htmx:configRequest", function (event) {
  var params = event.detail.parameters;
  if (event.detail.verb !== "get" || !params) return;
  Object.keys(params).forEach(function (name) { if (params[name] === "") delete params[name]; });
});

// A search box inside another form (the lead post's, in the form that issues a directive): Enter
// searches now and does not send that form.
document.addEventListener("keydown", function (event) {
  var box = event.target;
  if (event.key !== "Enter" || !box.matches || !box.matches("input[data-search-only]")) return;
  event.preventDefault();
  htmx.trigger(box, "search");
});

// A select marked data-options="ID" takes its options from the one hidden select with that id when
// first used: a desk of rows, each with its own form, carries the units once, not once a row.
document.addEventListener("focusin", function (event) {
  var select = event.target;
  if (!select.matches || !select.matches("select[data-options]") || select.dataset.filled) return;
  var source = document.getElementById(select.dataset.options);
  if (!source) return;
  Array.prototype.forEach.call(source.options, function (o) { select.add(new Option(o.text, o.value)); });
  select.dataset.filled = "1";
});

// A select marked data-autosubmit sends its form when it changes (an onchange attribute would be
// inline script, which the pages' Content-Security-Policy refuses to run).
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("select[data-autosubmit]") && e.target.form) e.target.form.submit();
});
