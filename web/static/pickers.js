// Unit pickers: a select marked data-tree (the unit_options macro) becomes a searchable tree with Tom
// Select (web/package.json): the units in tree order, indented by level; typing filters by a unit's
// name or its parent's (a county's name finds its departments), and a match names its parent.
// Without JS, or before this runs, the select works as it is. Its words are the page's (base.html's
// body data-text-*, in the person's language).
(function () {
  function label(option) {
    option.dataset.name = option.text.trim();  // the indentation (U+3000) is for the plain select only
  }

  function enhance(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    Array.prototype.forEach.call(select.options, label);
    var picker = new TomSelect(select, {
      allowEmptyOption: true, placeholder: document.body.dataset.textSearch, maxOptions: null, labelField: "name", searchField: ["name", "parent"],
      sortField: [{field: "$order"}, {field: "$score"}],  // the tree's order, also while searching
      plugins: ["dropdown_input"],  // the search box opens inside the list, under the chosen unit
      render: {
        option: function (data, escape) {
          var level = Math.min(parseInt(data.level || "0", 10) || 0, 3);
          var parent = data.parent ? '<span class="parent">' + escape(data.parent) + "</span>" : "";  // shown while searching (site.css)
          return '<div class="level-' + level + '">' + escape(data.name || data.text) + parent + "</div>";
        },
        item: function (data, escape) { return "<div>" + escape(data.name || data.text) + "</div>"; },
        no_results: function (data, escape) { return '<div class="no-results">' + escape(document.body.dataset.textNoUnit) + "</div>"; }
      }
    });
    // The search box's own change (on leaving it) is no choice: kept from the filter bar, which sends
    // the list's form on every change, before the picker has set the unit.
    picker.control_input.addEventListener("change", function (event) { event.stopPropagation(); });
  }

  function enhanceAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("select[data-tree]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
})();
