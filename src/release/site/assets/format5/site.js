// The dataset's page: filters, search, sort, permalinks (#<key>) with the full record (and,
// from release format 5, the quotes behind it), copy buttons. Everything it knows about the data comes from the JSON block #data (columns, rows,
// linked tables). The whole table is in the HTML inside <noscript>, for readers without
// JavaScript; with it, this script lays out only the rows it shows (a page at a time), so a
// long table does not hold the page up.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var rows = data.rows;
  var cols = data.columns;
  var keyCol = data.key;
  var tbody = document.querySelector("#events-table tbody");
  var byKey = Object.create(null);
  for (var i = 0; i < rows.length; i++) byKey[rows[i][keyCol]] = i;
  // The row indices in the table's current order (sorting reorders them).
  var order = rows.map(function (r, n) { return n; });
  var tables = data.tables;
  var tableIndex = Object.create(null);
  Object.keys(tables).forEach(function (name) {
    var t = tables[name], idx = Object.create(null);
    for (var j = 0; j < t.rows.length; j++) idx[t.rows[j][t.key]] = j;
    tableIndex[name] = idx;
  });

  // ---- the table's rows, laid out from the data
  // The shown columns are the header's: each th names its column and how its cells look.
  var ths = Array.prototype.slice.call(document.querySelectorAll("#events-table thead th[data-col]"));
  var shown = ths.map(function (th) {
    var c = Number(th.getAttribute("data-col"));
    var titles = Object.create(null);
    (cols[c].terms || []).forEach(function (t) { if (t[1]) titles[t[0]] = t[1]; });
    return { col: c, cls: th.getAttribute("data-class") || "", titles: titles };
  });
  var trOf = Object.create(null);
  var selected = null;
  function rowEl(n) {
    var r = rows[n], tr = document.createElement("tr");
    tr.id = r[keyCol];
    tr.setAttribute("data-i", n);
    shown.forEach(function (s) {
      var v = r[s.col] || "", cell;
      if (s.col === keyCol) {
        cell = document.createElement("th");
        cell.scope = "row";
        var a = document.createElement("a");
        a.href = "#" + v;
        a.textContent = v;
        cell.appendChild(a);
      } else {
        cell = document.createElement("td");
        if (s.cls) cell.className = s.cls;
        if (s.titles[v] !== undefined) {
          var abbr = document.createElement("abbr");
          abbr.title = s.titles[v];
          abbr.textContent = v;
          cell.appendChild(abbr);
        } else {
          cell.textContent = v;
        }
      }
      tr.appendChild(cell);
    });
    if (n === selected) tr.classList.add("selected");
    return tr;
  }
  function render(list) {
    var frag = document.createDocumentFragment();
    trOf = Object.create(null);
    list.forEach(function (n) { frag.appendChild(trOf[n] = rowEl(n)); });
    tbody.textContent = "";
    tbody.appendChild(frag);
  }

  // ---- filters, search, count
  var form = document.getElementById("filters");
  var count = document.getElementById("count");
  var selects = form ? Array.prototype.slice.call(form.querySelectorAll("select")) : [];
  var search = document.getElementById("search");
  var searchCols = search ? search.getAttribute("data-cols").split(",").map(Number) : [];
  // Lower-cased search text of each row, built at the first search.
  var haystack = null;
  function text(n) {
    if (haystack === null) {
      haystack = rows.map(function (r) {
        return searchCols.map(function (c) { return r[c] || ""; }).join("\n").toLowerCase();
      });
    }
    return haystack[n];
  }
  // Rows shown at a time (the stylesheet lays out as many while the page loads).
  var PAGE = 200;
  var limit = PAGE;
  var more = document.getElementById("more");

  function cellFor(r, sel) {
    var c = Number(sel.getAttribute("data-col"));
    var v = r[c] || "";
    if (sel.getAttribute("data-year") === "true") v = v.slice(0, 4);
    return v === "" ? "(blank)" : v;
  }

  function apply(keepLimit) {
    if (keepLimit !== true) limit = PAGE;
    var wanted = selects.map(function (s) { return s.value; });
    var q = search ? search.value.trim().toLowerCase() : "";
    var matched = 0, list = [];
    for (var k = 0; k < order.length; k++) {
      var n = order[k], r = rows[n], ok = true;
      for (var s = 0; s < selects.length && ok; s++) {
        if (wanted[s] !== "" && cellFor(r, selects[s]) !== wanted[s]) ok = false;
      }
      if (ok && q !== "" && text(n).indexOf(q) < 0) ok = false;
      if (ok && ++matched <= limit) list.push(n);
    }
    render(list);
    var shownRows = list.length;
    count.textContent = matched + " of " + rows.length + " rows" +
      (shownRows < matched ? " (showing the first " + shownRows + ")" : "");
    more.hidden = shownRows >= matched;
  }

  more.addEventListener("click", function () {
    limit += PAGE;
    apply(true);
  });

  if (form) {
    form.hidden = false;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    selects.forEach(function (s) { s.addEventListener("change", function () { apply(); }); });
    if (search) search.addEventListener("input", function () { apply(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
  }

  // ---- sort
  ths.forEach(function (th) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var c = Number(th.getAttribute("data-col"));
      var numeric = th.getAttribute("data-numeric") === "true";
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      ths.forEach(function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      order.sort(function (a, b) {
        var x = rows[a][c], y = rows[b][c];
        // Blanks last in either direction; ties keep the data's order.
        if (x === "" || y === "") return x === y ? a - b : (x === "" ? 1 : -1);
        var d = numeric ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
        return d !== 0 ? d * dir : a - b;
      });
      apply(true);
    });
  });

  // ---- one row's full record
  var dialog = document.getElementById("detail");
  var body = document.getElementById("detail-body");

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function valueNode(col, v) {
    if (v === "") {
      var blank = el("span", "(blank)", "note");
      if (col.blank) blank.title = col.blank;
      return blank;
    }
    if (/^https?:\/\//.test(v)) {
      var a = el("a", v);
      a.href = v;
      a.rel = "noopener";
      return a;
    }
    var span = el("span", v);
    if (col.terms) {
      for (var t = 0; t < col.terms.length; t++) {
        if (col.terms[t][0] === v) {
          var say = [col.terms[t][1], col.terms[t][2]].filter(Boolean).join(": ");
          if (say) span.appendChild(el("span", " (" + say + ")", "note"));
        }
      }
    }
    return span;
  }

  function recordList(columns, row, skip) {
    var dl = el("dl");
    columns.forEach(function (col, c) {
      if (skip && skip[c]) return;
      var dt = el("dt", col.name);
      if (col.description) dt.title = col.description;
      var dd = el("dd");
      dd.appendChild(valueNode(col, row[c] || ""));
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    return dl;
  }

  function linked(link, v) {
    var box = el("div");
    var t = tables[link.resource];
    box.appendChild(el("h3", cols[link.col].name + " (" + link.resource + ")"));
    var ul = el("ul");
    v.split(link.delimiter).forEach(function (id) {
      var li = el("li");
      var n = t ? tableIndex[link.resource][id] : undefined;
      if (n === undefined) {
        li.textContent = id;
      } else {
        var r = t.rows[n];
        var d = el("details");
        d.appendChild(el("summary", id + (t.label !== null ? ": " + r[t.label] : "")));
        d.appendChild(recordList(t.columns, r));
        li.appendChild(d);
      }
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  // The quotes behind a row (from release format 5): each verbatim, with its source, the
  // columns it supports and who claims it.
  function quotesOf(list) {
    var box = el("section", null, "evidence");
    box.appendChild(el("h3", "Quotes from the source"));
    list.forEach(function (q) {
      var f = el("figure", null, "quote");
      f.appendChild(el("blockquote", q.quote));
      f.appendChild(el("figcaption", q.caption));
      box.appendChild(f);
    });
    return box;
  }

  function citeFor(id, template, bibtex) {
    var mark = data.cite.mark;
    var out = template.split(mark).join(id);
    if (bibtex) out = out.split(mark.toLowerCase()).join(id.replace(/-/g, "_").toLowerCase().replace(/[^a-z0-9_]/g, ""));
    return out.replace(/\s+$/, "");
  }

  var lastFocus = null;
  function open(id) {
    var n = byKey[id];
    if (n === undefined) return false;
    var r = rows[n];
    body.textContent = "";
    var h = el("h2", id);
    h.id = "detail-title";
    h.tabIndex = -1;
    body.appendChild(h);
    var linkCols = Object.create(null);
    data.links.forEach(function (l) { if (l.col !== null) linkCols[l.col] = true; });
    body.appendChild(recordList(cols, r, linkCols));
    data.links.forEach(function (l) {
      if (l.col !== null && r[l.col]) body.appendChild(linked(l, r[l.col]));
    });
    var said = data.evidence && data.evidence[id];
    if (said && said.length) body.appendChild(quotesOf(said));
    var c = el("section");
    c.className = "cite-event";
    c.appendChild(el("h3", "Cite this row"));
    [["text", "citation", false], ["bibtex", "BibTeX", true]].forEach(function (k) {
      var pre = el("pre", citeFor(id, data.cite[k[0]], k[2]));
      pre.id = "cite-event-" + k[0];
      pre.tabIndex = 0;
      var b = el("button", "Copy " + k[1]);
      b.type = "button";
      b.className = "copy";
      b.setAttribute("data-copy", pre.id);
      c.appendChild(pre);
      c.appendChild(b);
    });
    body.appendChild(c);
    if (selected !== null && trOf[selected]) trOf[selected].classList.remove("selected");
    selected = n;
    if (trOf[n]) trOf[n].classList.add("selected");
    if (marked) marked.classList.remove("selected");
    marked = null;
    for (var m = 0; m < markers.length && !marked; m++) {
      if (markers[m].getAttribute("data-id") === id) marked = markers[m];
    }
    if (marked) marked.classList.add("selected");
    if (!dialog.open) {
      lastFocus = document.activeElement;
      dialog.showModal();
    }
    h.focus();
    return true;
  }

  function route() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id && byKey[id] !== undefined) open(id);
    else if (dialog.open) dialog.close();
  }

  dialog.addEventListener("close", function () {
    if (byKey[decodeURIComponent(location.hash.slice(1))] !== undefined) {
      history.replaceState(null, "", location.pathname + location.search + "#events");
    }
    if (lastFocus && lastFocus.focus) lastFocus.focus();
  });
  window.addEventListener("hashchange", route);

  // ---- map markers open their row (one listener for all of them)
  var mapBox = document.getElementById("map");
  var markers = mapBox ? Array.prototype.slice.call(mapBox.querySelectorAll(".event[data-id]")) : [];
  var marked = null;
  function markerOf(e) {
    var m = e.target.closest ? e.target.closest(".event[data-id]") : null;
    return m && mapBox.contains(m) ? m : null;
  }
  if (mapBox) {
    markers.forEach(function (m) {
      m.setAttribute("tabindex", "0");
      m.setAttribute("role", "link");
      var t = m.firstElementChild;
      m.setAttribute("aria-label", t && t.tagName === "title" ? t.textContent : m.getAttribute("data-id"));
    });
    mapBox.addEventListener("click", function (e) {
      var m = markerOf(e);
      if (m) location.hash = m.getAttribute("data-id");
    });
    mapBox.addEventListener("keydown", function (e) {
      var m = markerOf(e);
      if (m && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        location.hash = m.getAttribute("data-id");
      }
    });
  }

  // ---- copy buttons
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button.copy") : null;
    if (!b) return;
    var text = document.getElementById(b.getAttribute("data-copy")).textContent;
    var done = function () { b.textContent = "Copied"; setTimeout(function () { b.textContent = b.getAttribute("data-label"); }, 1500); };
    if (!b.getAttribute("data-label")) b.setAttribute("data-label", b.textContent);
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { select(b); });
    } else {
      select(b);
    }
  });
  function select(b) {
    var range = document.createRange();
    range.selectNodeContents(document.getElementById(b.getAttribute("data-copy")));
    var s = window.getSelection();
    s.removeAllRanges();
    s.addRange(range);
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.copy[hidden]"), function (b) { b.hidden = false; });

  // From here the script lays out the rows it shows.
  document.getElementById("events-box").hidden = false;
  apply();
  document.documentElement.className = "ready";
  route();
  document.documentElement.setAttribute("data-ready", "true");
})();
