// The dataset's page (release format 6): search, filters, sort, the view kept in the address
// (#q=…&from=…&places=…), charts that follow the filters, the shown rows as CSV, and an event's
// card at its permalink (#<key>). Everything it knows about the data comes from the JSON block
// #data (columns with their titles, rows, linked tables, quotes). The whole table is in the
// HTML inside <noscript>, for readers without JavaScript; with it, this script lays out only
// the rows it shows (a page at a time), so a long table does not hold the page up.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var rows = unpack(data.packed);
  // The rows, from their columns (see page/pack.rs): a plain column is its cells; a packed one
  // its values and, for each row, a code of `width` digits naming one.
  function unpack(p) {
    var ALPHABET = "!#$%&'()*+,-./0123456789:;=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    var digit = Object.create(null), out = new Array(p.n);
    for (var d = 0; d < ALPHABET.length; d++) digit[ALPHABET[d]] = d;
    for (var n = 0; n < p.n; n++) out[n] = new Array(p.columns.length);
    p.columns.forEach(function (col, c) {
      var n;
      if (Array.isArray(col)) {
        for (n = 0; n < p.n; n++) out[n][c] = col[n];
        return;
      }
      var codes = col.codes, values = col.values, w = col.width;
      for (n = 0; n < p.n; n++) {
        var code = w === 1 ? digit[codes[n]] : digit[codes[2 * n]] * ALPHABET.length + digit[codes[2 * n + 1]];
        out[n][c] = values[code];
      }
    });
    return out;
  }
  var cols = data.columns;
  var titles = cols.map(function (c) { return c.title || c.name; });
  var keyCol = data.key;
  var tbody = document.querySelector("#events-table tbody");
  var byKey = Object.create(null);
  // Permalinks are matched without regard to case too (#aabc-0093 opens AABC-0093).
  var byLowerKey = Object.create(null);
  for (var i = 0; i < rows.length; i++) {
    byKey[rows[i][keyCol]] = i;
    byLowerKey[String(rows[i][keyCol]).toLowerCase()] = rows[i][keyCol];
  }
  // The row indices in the table's current order (sorting reorders them).
  var order = rows.map(function (r, n) { return n; });
  var tables = data.tables;
  var tableIndex = Object.create(null);
  Object.keys(tables).forEach(function (name) {
    var t = tables[name], idx = Object.create(null);
    for (var j = 0; j < t.rows.length; j++) idx[t.rows[j][t.key]] = j;
    tableIndex[name] = idx;
  });
  var links = data.links.filter(function (l) { return l.col !== null; });
  var linkOf = Object.create(null);
  links.forEach(function (l) { linkOf[l.col] = l; });
  // Each vocabulary column's titles by value.
  var termTitles = cols.map(function (c) {
    var m = Object.create(null);
    (c.terms || []).forEach(function (t) { if (t[1]) m[t[0]] = t[1]; });
    return m;
  });
  function shownValue(c, v) { return termTitles[c][v] !== undefined ? termTitles[c][v] : v; }
  function idsIn(r, l) { return r[l.col] ? r[l.col].split(l.delimiter) : []; }
  function linkedRow(resource, id) {
    var t = tables[resource];
    var n = t ? tableIndex[resource][id] : undefined;
    return n === undefined ? null : t.rows[n];
  }
  function nameOf(resource, id) {
    var r = linkedRow(resource, id), t = tables[resource];
    return r && t.label !== null && r[t.label] ? r[t.label] : id;
  }
  // A linked row's web address, when it has one (a source's URL).
  function urlOf(resource, id) {
    var r = linkedRow(resource, id);
    if (!r) return null;
    for (var k = 0; k < r.length; k++) if (/^https?:\/\//.test(r[k])) return r[k];
    return null;
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  // ---- the table's rows, laid out from the data
  // The shown columns are the header's: each th names its column and how its cells look.
  var ths = Array.prototype.slice.call(document.querySelectorAll("#events-table thead th[data-col]"));
  var shown = ths.map(function (th) {
    return { col: Number(th.getAttribute("data-col")), cls: th.getAttribute("data-class") || "", label: th.textContent };
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
        var a = el("a", v);
        a.href = "#" + v;
        cell.appendChild(a);
      } else {
        cell = el("td", shownValue(s.col, v));
        // A number in words (a vocabulary's title) reads as text; a date does not break.
        if (cols[s.col].kind === "date") cell.className = "date";
        else if (s.cls && !(s.cls === "num" && termTitles[s.col][v] !== undefined)) cell.className = s.cls;
        if (v !== "") cell.setAttribute("data-label", s.label);
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

  // ---- filters and search
  var form = document.getElementById("filters");
  var count = document.getElementById("count");
  var controls = form ? Array.prototype.slice.call(form.querySelectorAll("select, input[name]")) : [];
  var search = document.getElementById("search");
  var searchCols = search ? search.getAttribute("data-cols").split(",").map(Number) : [];
  var downloadButton = document.getElementById("download-rows");
  // Lower-cased search text of each row (its key, dates, notes, the names of its linked rows
  // and the titles of its values), built at the first search.
  var haystack = null;
  function text(n) {
    if (haystack === null) {
      haystack = rows.map(function (r) {
        var parts = searchCols.map(function (c) { return r[c] || ""; });
        links.forEach(function (l) {
          idsIn(r, l).forEach(function (id) { parts.push(id, nameOf(l.resource, id)); });
        });
        shown.forEach(function (s) { if (termTitles[s.col][r[s.col]]) parts.push(termTitles[s.col][r[s.col]]); });
        return parts.join("\n").toLowerCase();
      });
    }
    return haystack[n];
  }
  // Rows shown at a time (the rest on "Show more rows").
  var PAGE = 200;
  var limit = PAGE;
  var more = document.getElementById("more");

  // One test per control that is set: does row r pass?
  function tests() {
    var out = [];
    controls.forEach(function (c) {
      var want = c.value;
      if (want === "") return;
      if (c === search) {
        var words = want.toLowerCase().split(/\s+/).filter(Boolean);
        out.push(function (r, n) {
          var t = text(n);
          for (var w = 0; w < words.length; w++) if (t.indexOf(words[w]) < 0) return false;
          return true;
        });
      } else if (c.name === "from" || c.name === "to") {
        var dc = Number(c.getAttribute("data-col")), from = c.name === "from";
        out.push(function (r) { var v = r[dc] || ""; return v !== "" && (from ? v >= want : v.slice(0, want.length) <= want); });
      } else if (c.hasAttribute("data-link")) {
        var res = c.getAttribute("data-link"), ids = Object.create(null);
        want.split(",").forEach(function (id) { ids[id] = true; });
        var ls = links.filter(function (l) { return l.resource === res; });
        out.push(function (r) {
          for (var k = 0; k < ls.length; k++) {
            var xs = idsIn(r, ls[k]);
            for (var x = 0; x < xs.length; x++) if (ids[xs[x]]) return true;
          }
          return false;
        });
      } else {
        var col = Number(c.getAttribute("data-col"));
        out.push(function (r) { var v = r[col] || ""; return (v === "" ? "(blank)" : v) === want; });
      }
    });
    return out;
  }

  // The rows that match, in the table's order.
  var matched = [];
  function apply(keepLimit) {
    if (keepLimit !== true) limit = PAGE;
    var ts = tests();
    matched = [];
    for (var k = 0; k < order.length; k++) {
      var n = order[k], r = rows[n], ok = true;
      for (var t = 0; t < ts.length && ok; t++) ok = ts[t](r, n);
      if (ok) matched.push(n);
    }
    var list = matched.slice(0, limit);
    render(list);
    count.textContent = matched.length + " of " + rows.length + " rows" +
      (list.length < matched.length ? " (showing the first " + list.length + ")" : "");
    more.hidden = list.length >= matched.length;
    if (downloadButton) {
      downloadButton.hidden = !data.csv || matched.length === 0;
      downloadButton.textContent = "Download these " + matched.length + " rows (CSV)";
    }
    drawTimeline();
    drawMap();
  }

  // ---- the view in the address: #q=…&event_type=…&from=…&sort=…&dir=desc
  var sortState = null;
  function viewHash() {
    var parts = [];
    controls.forEach(function (c) { if (c.value !== "") parts.push(c.name + "=" + encodeURIComponent(c.value)); });
    if (sortState) parts.push("sort=" + encodeURIComponent(sortState.name), "dir=" + (sortState.dir === 1 ? "asc" : "desc"));
    return parts.join("&");
  }
  function remember() {
    var h = viewHash();
    history.replaceState(null, "", location.pathname + location.search + (h ? "#" + h : ""));
  }
  function isView(hash) { return hash.indexOf("=") >= 0; }
  function restore(hash) {
    var want = Object.create(null);
    hash.split("&").forEach(function (p) {
      var at = p.indexOf("=");
      if (at > 0) want[p.slice(0, at)] = decodeURIComponent(p.slice(at + 1).replace(/\+/g, " "));
    });
    controls.forEach(function (c) {
      var v = want[c.name] || "";
      if (c.tagName === "SELECT" && v !== "" && !Array.prototype.some.call(c.options, function (o) { return o.value === v; })) {
        // A set of linked rows (a map marker's places): an option naming them all.
        var res = c.getAttribute("data-link");
        var o = el("option", res ? v.split(",").map(function (id) { return nameOf(res, id); }).join(", ") : v);
        o.value = v;
        c.appendChild(o);
      }
      c.value = v;
    });
    var th = want.sort ? ths.filter(function (t) { return t.getAttribute("data-name") === want.sort; })[0] : null;
    if (th) sortBy(th, want.dir === "desc" ? -1 : 1);
    apply();
  }

  more.addEventListener("click", function () {
    limit += PAGE;
    apply(true);
  });

  if (form) {
    form.hidden = false;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    controls.forEach(function (c) {
      c.addEventListener(c === search ? "input" : "change", function () { apply(); remember(); });
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { sortState = null; apply(); remember(); }, 0);
    });
  }

  // ---- the shown rows as the main table's CSV (its header, its cells as written)
  function csvCell(v) { return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }
  function csvOf(list) {
    var out = [data.csv.header.map(csvCell).join(",")];
    list.forEach(function (n) {
      out.push(data.csv.cols.map(function (c) { return c === null ? "" : csvCell(rows[n][c] || ""); }).join(","));
    });
    return out.join("\n") + "\n";
  }
  if (downloadButton && data.csv) {
    downloadButton.addEventListener("click", function () {
      var url = URL.createObjectURL(new Blob([csvOf(matched)], { type: "text/csv;charset=utf-8" }));
      var a = el("a");
      a.href = url;
      a.download = data.name + "-" + matched.length + "-rows.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  }

  // ---- sort
  function sortBy(th, dir) {
    var c = Number(th.getAttribute("data-col"));
    var numeric = th.getAttribute("data-numeric") === "true";
    ths.forEach(function (o) { o.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    sortState = { name: th.getAttribute("data-name"), dir: dir };
    order.sort(function (a, b) {
      var x = rows[a][c], y = rows[b][c];
      // Blanks last in either direction; ties keep the data's order.
      if (x === "" || y === "") return x === y ? a - b : (x === "" ? 1 : -1);
      var d = numeric ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
      return d !== 0 ? d * dir : a - b;
    });
  }
  ths.forEach(function (th) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      sortBy(th, th.getAttribute("aria-sort") === "ascending" ? -1 : 1);
      apply(true);
      remember();
    });
  });

  // ---- the timeline of the rows that match: one bar per month, a month's bar filters to it
  var live = document.getElementById("timeline-live");
  var dateCol = data.date;
  var months = [];
  if (live && dateCol !== null) {
    var firstMonth = null, lastMonth = null;
    rows.forEach(function (r) {
      var m = (r[dateCol] || "").slice(0, 7);
      if (m.length !== 7) return;
      if (firstMonth === null || m < firstMonth) firstMonth = m;
      if (lastMonth === null || m > lastMonth) lastMonth = m;
    });
    if (firstMonth !== null) {
      var y = Number(firstMonth.slice(0, 4)), mo = Number(firstMonth.slice(5, 7));
      for (var guard = 0; guard < 2400; guard++) {
        var m = y + "-" + (mo < 10 ? "0" : "") + mo;
        months.push(m);
        if (m === lastMonth) break;
        if (++mo > 12) { mo = 1; y++; }
      }
    }
  }
  var MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  function monthWords(m) { return MONTH_NAMES[Number(m.slice(5, 7)) - 1] + " " + m.slice(0, 4); }
  function monthEnd(m) {
    var d = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0));
    return m + "-" + String(d.getUTCDate()).padStart(2, "0");
  }
  // The view with the date range set to one month (the other filters kept).
  function monthHash(m) {
    var parts = viewHash().split("&").filter(function (p) { return p && !/^(from|to)=/.test(p); });
    parts.push("from=" + m + "-01", "to=" + monthEnd(m));
    return "#" + parts.join("&");
  }
  var SVG = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function drawTimeline() {
    if (!live || months.length === 0) return;
    var at = Object.create(null), max = 0;
    months.forEach(function (m) { at[m] = 0; });
    matched.forEach(function (n) {
      var m = (rows[n][dateCol] || "").slice(0, 7);
      if (at[m] !== undefined) max = Math.max(max, ++at[m]);
    });
    var W = 10, H = 100, svg = svgEl("svg", { viewBox: "0 0 " + months.length * W + " " + H, preserveAspectRatio: "none", role: "group", "aria-label": "Rows that match the filters, by month of " + titles[dateCol] });
    // The years under the bars, in the page's own type (the bars stretch; words must not).
    var years = el("div", null, "years");
    months.forEach(function (m, k) {
      if (m.slice(5) === "01" || k === 0) {
        var y = el("span", m.slice(0, 4));
        y.style.left = (100 * k / months.length) + "%";
        years.appendChild(y);
      }
      if (!at[m]) return;
      var h = Math.max(2, Math.round(H * at[m] / max));
      var a = svgEl("a", { href: monthHash(m), "aria-label": monthWords(m) + ": " + at[m] + " rows" });
      var bar = svgEl("rect", { x: k * W + 1, y: H - h, width: W - 2, height: h, "class": "bar month", "data-month": m });
      var tip = svgEl("title", {});
      tip.textContent = monthWords(m) + ": " + at[m] + " rows";
      bar.appendChild(tip);
      a.appendChild(bar);
      svg.appendChild(a);
    });
    live.textContent = "";
    live.appendChild(el("p", "Rows that match the filters, by month. Select a month to show only its rows.", "note"));
    live.appendChild(svg);
    live.appendChild(years);
  }
  // The published timeline's month hit targets filter too.
  var timelineBox = document.getElementById("timeline");
  if (timelineBox) {
    timelineBox.addEventListener("click", function (e) {
      var t = e.target.closest ? e.target.closest("rect.month[data-month]") : null;
      if (!t || (live && live.contains(t))) return;
      location.hash = monthHash(t.getAttribute("data-month"));
    });
  }

  // ---- the map follows the filters: a point of no matching row is hidden; a marker of
  // places (#places=…) shows how many matching rows are at its places.
  var mapBox = document.getElementById("map");
  var markers = mapBox ? Array.prototype.slice.call(mapBox.querySelectorAll(".event[data-id]")) : [];
  var placeMarkers = mapBox ? Array.prototype.slice.call(mapBox.querySelectorAll("a.marker[data-places]")) : [];
  var marked = null;
  var markerIds = markers.map(function (m) { return m.getAttribute("data-id"); });
  var shownMarker = markers.map(function () { return true; });
  function drawMap() {
    if (!mapBox) return;
    var on = Object.create(null);
    matched.forEach(function (n) { on[rows[n][keyCol]] = true; });
    // Only the points that change are touched (a map may have thousands).
    markers.forEach(function (m, k) {
      var show = on[markerIds[k]] === true;
      if (shownMarker[k] !== show) m.style.display = (shownMarker[k] = show) ? "" : "none";
    });
    if (placeMarkers.length === 0) return;
    // Each marker counts the matching rows at any of its places, each row once: the rows that
    // following it shows (the drawn count is of the rows whose first place it is).
    var counts = placeMarkers.map(function () { return 0; });
    matched.forEach(function (n) {
      var hit = Object.create(null);
      links.forEach(function (l) {
        var mk = markersAt[l.resource];
        if (!mk) return;
        idsIn(rows[n], l).forEach(function (id) {
          (mk[id] || []).forEach(function (k) { if (!hit[k]) { hit[k] = true; counts[k]++; } });
        });
      });
    });
    placeMarkers.forEach(function (m, k) {
      m.setAttribute("data-n", counts[k]);
      m.style.display = counts[k] ? "" : "none";
      var label = m.querySelector("text");
      if (label) label.textContent = counts[k];
      m.setAttribute("aria-label", markerLabel(k, counts[k]));
    });
  }
  // A marker's name with its count of matching rows: the drawn name when all its rows match,
  // else the count and the places (the drawn figures are of all its rows).
  var drawnLabels = placeMarkers.map(function (m) { return m.getAttribute("aria-label") || ""; });
  var drawnCounts = placeMarkers.map(function (m) { return m.getAttribute("data-n"); });
  function markerLabel(k, count) {
    if (String(count) === drawnCounts[k]) return drawnLabels[k];
    var at = drawnLabels[k].replace(/^[^ ]+ events? /, "").replace(/; [^;]*$/, "");
    return count + (count === 1 ? " event " : " events ") + at;
  }
  // The markers at each linked row, by linked table: a marker's link names the table its ids
  // are of (#places=…).
  var markersAt = Object.create(null);
  placeMarkers.forEach(function (m, k) {
    var res = (m.getAttribute("href") || "").slice(1).split("=")[0];
    var by = markersAt[res] || (markersAt[res] = Object.create(null));
    m.getAttribute("data-places").split(" ").forEach(function (id) { (by[id] || (by[id] = [])).push(k); });
  });
  function markerOf(e) {
    var m = e.target.closest ? e.target.closest(".event[data-id]") : null;
    return m && mapBox.contains(m) ? m : null;
  }
  if (mapBox) {
    // Points that can be focused make the picture a group of links, not one image.
    var mapSvg = mapBox.querySelector("svg");
    if (mapSvg && markers.length && mapSvg.getAttribute("role") === "img") mapSvg.setAttribute("role", "group");
    markers.forEach(function (m) {
      m.setAttribute("tabindex", "0");
      m.setAttribute("role", "link");
      var t = m.firstElementChild;
      m.setAttribute("aria-label", t && t.tagName === "title" ? t.textContent : m.getAttribute("data-id"));
    });
    mapBox.addEventListener("click", function (e) {
      var m = markerOf(e);
      if (m) { opener = m; location.hash = m.getAttribute("data-id"); }
    });
    mapBox.addEventListener("keydown", function (e) {
      var m = markerOf(e);
      if (m && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        opener = m;
        location.hash = m.getAttribute("data-id");
      }
    });
  }

  // ---- one row's card: the event first, every field a fold away
  var dialog = document.getElementById("detail");
  var body = document.getElementById("detail-body");

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

  function recordList(columns, row, names) {
    var dl = el("dl");
    columns.forEach(function (col, c) {
      var dt = el("dt", names ? names[c] : col.title || col.name);
      if (col.description) dt.title = col.description;
      var dd = el("dd");
      dd.appendChild(valueNode(col, row[c] || ""));
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    return dl;
  }

  function linkedRecords(link, v) {
    var box = el("div");
    var t = tables[link.resource];
    box.appendChild(el("h4", titles[link.col]));
    var ul = el("ul");
    v.split(link.delimiter).forEach(function (id) {
      var li = el("li");
      var r = linkedRow(link.resource, id);
      if (r === null) {
        li.textContent = id;
      } else {
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

  // The names of a row's linked rows, each a link when the linked row has a web address.
  function namesNode(link, v) {
    var ul = el("ul");
    v.split(link.delimiter).forEach(function (id) {
      var li = el("li"), url = urlOf(link.resource, id), name = nameOf(link.resource, id);
      if (url) {
        var a = el("a", name);
        a.href = url;
        a.rel = "noopener";
        li.appendChild(a);
      } else {
        li.textContent = name;
      }
      ul.appendChild(li);
    });
    return ul;
  }

  // The quotes behind a row: each verbatim, with its source, the columns it supports and who
  // claims it.
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

  var columnAt = Object.create(null);
  cols.forEach(function (c, k) { columnAt[c.name] = k; });
  var canonical = Object.create(null);
  (data.csv ? data.csv.cols : cols.map(function (c, k) { return k; })).forEach(function (k) { if (k !== null) canonical[k] = true; });
  var freeText = searchCols.filter(function (c) { return c !== keyCol && cols[c].kind !== "date"; });
  var isFreeText = Object.create(null);
  freeText.forEach(function (c) { isFreeText[c] = true; });
  function numeric(c) { return cols[c].kind === "integer" || cols[c].kind === "number"; }
  // A figure with its bounds when the `_low` and `_high` columns give them: "7 (5 to 9)",
  // "at least 105".
  function figureText(r, c) {
    var lo = columnAt[cols[c].name + "_low"], hi = columnAt[cols[c].name + "_high"];
    var v = r[c], l = lo !== undefined ? r[lo] : "", h = hi !== undefined ? r[hi] : "";
    if (l !== "" && h !== "") return l === h ? v : v + " (" + l + " to " + h + ")";
    if (l !== "") return l === v ? "at least " + v : v + " (at least " + l + ")";
    if (h !== "") return h === v ? "at most " + v : v + " (at most " + h + ")";
    return v;
  }

  function card(id, r) {
    var frag = document.createDocumentFragment();
    var h = el("h2", id);
    h.id = "detail-title";
    h.tabIndex = -1;
    frag.appendChild(h);
    // The dates, then what the event is.
    var dates = cols.map(function (c, k) { return k; }).filter(function (k) { return cols[k].kind === "date" && r[k]; });
    var when = dates.map(function (k) { return r[k]; }).filter(function (v, k, all) { return all.indexOf(v) === k; });
    if (when.length) frag.appendChild(el("p", when.join(" to "), "card-lead"));
    var facts = el("dl"), figures = el("ul", null, "figures-list");
    cols.forEach(function (col, k) {
      var v = r[k] || "";
      if (v === "" || k === keyCol || !canonical[k] || col.kind === "date" || isFreeText[k]) return;
      if (numeric(k)) {
        var li = el("li", titles[k] + ": ");
        li.appendChild(el("strong", figureText(r, k)));
        figures.appendChild(li);
        return;
      }
      var dt = el("dt", titles[k]);
      if (col.description) dt.title = col.description;
      var dd = el("dd");
      if (linkOf[k]) dd.appendChild(namesNode(linkOf[k], v));
      else if (col.kind === "boolean") dd.textContent = v === "true" ? "yes" : v === "false" ? "no" : v;
      else dd.textContent = shownValue(k, v);
      facts.appendChild(dt);
      facts.appendChild(dd);
    });
    frag.appendChild(facts);
    if (figures.firstChild) {
      frag.appendChild(el("h3", "Figures"));
      frag.appendChild(figures);
    }
    freeText.forEach(function (k) {
      if (!r[k]) return;
      frag.appendChild(el("h3", titles[k]));
      frag.appendChild(el("p", r[k], "card-notes"));
    });
    var said = data.evidence && data.evidence[id];
    if (said && said.length) frag.appendChild(quotesOf(said));
    // Every field, blank ones included, and the linked rows in full.
    var all = el("details", null, "all-fields");
    all.appendChild(el("summary", "All " + cols.length + " fields, blank ones included"));
    all.appendChild(recordList(cols, r, titles));
    links.forEach(function (l) { if (r[l.col]) all.appendChild(linkedRecords(l, r[l.col])); });
    frag.appendChild(all);
    var c = el("section", null, "cite-event");
    c.appendChild(el("h3", "Cite this row"));
    [["text", "citation", false], ["bibtex", "BibTeX", true]].forEach(function (k) {
      var pre = el("pre", citeFor(id, data.cite[k[0]], k[2]));
      pre.id = "cite-event-" + k[0];
      pre.tabIndex = 0;
      var b = el("button", "Copy " + k[1], "copy");
      b.type = "button";
      b.setAttribute("data-copy", pre.id);
      c.appendChild(pre);
      c.appendChild(b);
    });
    frag.appendChild(c);
    return frag;
  }

  // What opened the card (a link, a marker): focus goes back to it when the card closes. It is
  // taken when the link is followed, before the address changes and the link loses focus.
  var opener = null;
  var lastFocus = null;
  var viewBeforeCard = "";
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (a && !dialog.contains(a)) opener = a;
  }, true);

  function open(id) {
    var n = byKey[id];
    if (n === undefined) return false;
    body.textContent = "";
    body.appendChild(card(id, rows[n]));
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
      lastFocus = opener || document.activeElement;
      dialog.showModal();
    }
    opener = null;
    dialog.scrollTop = 0;
    document.getElementById("detail-title").focus();
    return true;
  }

  // A permalink to no row says so where the events are.
  var notice = null;
  function unknown(id) {
    if (!notice) {
      notice = el("p", null, "permalink-message");
      notice.setAttribute("role", "alert");
      count.parentNode.insertBefore(notice, count);
    }
    notice.textContent = "No row has the id \u201c" + id + "\u201d. It may be mistyped, or the row may have been retired; the rows are listed below.";
    notice.hidden = false;
    document.getElementById("events").scrollIntoView();
  }

  function route() {
    var hash = location.hash.slice(1), id;
    try { id = decodeURIComponent(hash); } catch (e) { id = hash; }
    if (notice) notice.hidden = true;
    if (isView(hash)) {
      if (dialog.open) dialog.close();
      restore(hash);
      return;
    }
    if (id === "" || document.getElementById(id) && byKey[id] === undefined) {
      // A section of the page (or nothing).
      if (dialog.open) dialog.close();
      return;
    }
    if (byKey[id] === undefined && byLowerKey[id.toLowerCase()] !== undefined) {
      id = byLowerKey[id.toLowerCase()];
      history.replaceState(null, "", location.pathname + location.search + "#" + id);
    }
    if (byKey[id] !== undefined) open(id);
    else unknown(id);
  }

  dialog.addEventListener("close", function () {
    if (byKey[decodeURIComponent(location.hash.slice(1))] !== undefined) remember();
    var back = lastFocus;
    lastFocus = null;
    // The opener may have been laid out again (a row of the table): its row's link then.
    if (back && !document.contains(back) && back.getAttribute && back.getAttribute("href")) {
      back = document.querySelector("#events-table a[href='" + back.getAttribute("href") + "']");
    }
    if (back && back.focus) back.focus();
  });
  window.addEventListener("hashchange", route);

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

  // Printing lays out every matching row, not only the first page.
  window.addEventListener("beforeprint", function () { render(matched); });
  window.addEventListener("afterprint", function () { apply(true); });

  // From here the script lays out the rows it shows.
  document.getElementById("events-box").hidden = false;
  apply();
  document.documentElement.className = "ready";
  route();
  document.documentElement.setAttribute("data-ready", "true");
})();
