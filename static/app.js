// Autocomplete of communes and NAF codes from the reference API. The forms work without
// it: the server resolves a typed commune (and asks which one when several fit), and takes
// NAF codes as typed. A chosen commune's INSEE code goes into the hidden field named by
// data-code-field, so the server keeps that exact commune; typing again forgets it.
(function () {
  "use strict";
  var sources = {
    communes: function (item) {
      return {
        value: item.name + " (" + item.departement + ")",
        code: item.code,
        text: item.name + " — " + (item.postal_codes[0] || item.departement) + " · INSEE " + item.code
      };
    },
    naf: function (item) {
      return { value: item.code, text: item.code + " — " + item.label };
    },
    ewc: function (item) {
      var label = document.documentElement.lang === "en" ? item.label_en : item.label_fr;
      return { value: item.code, text: item.code + (item.hazardous ? "* " : " ") + "— " + label };
    }
  };

  function setup(input) {
    var kind = input.getAttribute("data-autocomplete");
    var describe = sources[kind];
    if (!describe) return;
    var list = document.createElement("ul");
    var id = input.id + "-suggestions";
    list.id = id;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");
    var codeField = null;
    var codeName = input.getAttribute("data-code-field");
    if (codeName && input.form) codeField = input.form.querySelector('input[type="hidden"][name="' + codeName + '"]');
    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    }

    function choose(index) {
      if (index < 0 || index >= items.length) return;
      input.value = items[index].value;
      if (codeField && items[index].code) codeField.value = items[index].code;
      close();
    }

    function show(found) {
      items = found.map(describe);
      list.innerHTML = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = item.text;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      active = -1;
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (codeField) codeField.value = "";
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var ticket = ++asked;
        fetch("/api/v1/reference/" + kind + "?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (body) { if (ticket === asked) show(body.items || []); })
          .catch(close);
      }, 150);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("[data-autocomplete]").forEach(setup);
})();

// On a laptop the search filters sit open in the side column; on a phone they stay folded
// under the result count (the page works the same without this script, folded).
(function () {
  "use strict";
  var filters = document.getElementById("filters");
  if (filters && window.matchMedia && window.matchMedia("(min-width: 60rem)").matches) {
    filters.open = true;
  }
  // A refused form: the error summary gets the focus, so that it is read first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
