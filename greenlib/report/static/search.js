/* greenplan offline search (see greenlib/report/search.py).
 *
 * Reads the query from the address (search.html?q=…&plan=…), looks it up in the indexes the
 * page loaded before this file (window.GREENPLAN_SEARCH, one entry per plan) and lists the
 * matching sections and items. Every text is put in the page with textContent: nothing from
 * the index is ever parsed as HTML. No inline handler, no network, no eval.
 */
(function () {
  "use strict";

  var LIMIT = 200;
  var results = document.getElementById("gp-results");
  var status = document.getElementById("gp-status");
  var box = document.getElementById("gp-q");
  var msg = JSON.parse(results.getAttribute("data-messages") || "{}");

  function say(key, values) {
    var text = msg[key] || key;
    Object.keys(values || {}).forEach(function (k) {
      text = text.split("{" + k + "}").join(String(values[k]));
    });
    return text;
  }

  /* The same folding as search.fold in Python: full-width letters and digits as ASCII,
     lower case, no white space. */
  function fold(s) {
    return s.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).toLowerCase();
  }

  function escapeRe(c) { return c.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&"); }

  /* A term as a pattern over the shown text: white space allowed between characters, and a
     number never matched inside a longer one. */
  function pattern(term) {
    var chars = Array.from(term).map(escapeRe).join("\\s*");
    if (/^[0-9]/.test(term)) { chars = "(?<![0-9])" + chars; }
    if (/[0-9]$/.test(term)) { chars = chars + "(?![0-9])"; }
    return new RegExp(chars, "gi");
  }

  function decode(list) {
    var out = [], at = 0;
    list.split(",").forEach(function (gap) { at += parseInt(gap, 36); out.push(at); });
    return out;
  }

  /* Documents of one plan that may hold every term: the intersection of their bigrams'
     postings (null: a one-character term, every document is a candidate). */
  function candidates(plan, terms) {
    var set = null;
    for (var t = 0; t < terms.length; t++) {
      var f = terms[t];
      for (var i = 0; i + 1 < f.length; i++) {
        var p = plan.grams[f.slice(i, i + 2)];
        if (!p) { return []; }
        var ids = decode(p);
        if (set === null) { set = ids; } else {
          var keep = new Set(ids);
          set = set.filter(function (d) { return keep.has(d); });
        }
        if (!set.length) { return []; }
      }
    }
    if (set === null) { set = plan.docs.map(function (_, i) { return i; }); }
    return set;
  }

  function search(query, only) {
    var terms = fold(query).split(/\s+/).filter(Boolean);
    var found = [];
    if (!terms.length) { return {hits: found, patterns: []}; }
    var pats = terms.map(pattern);
    (window.GREENPLAN_SEARCH || []).forEach(function (plan, pi) {
      if (only && plan.plan !== only) { return; }
      candidates(plan, terms).forEach(function (di) {
        var d = plan.docs[di], heading = d[2], text = d[4], score = 0, first = null;
        for (var k = 0; k < pats.length; k++) {
          var inHead = heading.search(pats[k]) >= 0;
          pats[k].lastIndex = 0;
          var hits = text.match(pats[k]) || [];
          if (!inHead && !hits.length) { return; }
          score += (inHead ? 20 : 0) + Math.min(hits.length, 10);
          if (fold(heading).replace(/\s+/g, "") === terms[k]) { score += 30; }
        }
        if (d[1] !== 0) { score += 5; }  /* an item of the data: the most specific answer */
        found.push({plan: plan, pi: pi, doc: d, score: score, order: di});
      });
    });
    found.sort(function (a, b) {
      return b.score - a.score || a.pi - b.pi || a.order - b.order;
    });
    return {hits: found, patterns: pats};
  }

  /* Text with every match of the patterns in a <mark>, as DOM nodes (never HTML). */
  function marked(text, pats) {
    var spans = [];
    pats.forEach(function (p) {
      p.lastIndex = 0;
      var m;
      while ((m = p.exec(text)) !== null) {
        if (!m[0].length) { p.lastIndex++; continue; }
        spans.push([m.index, m.index + m[0].length]);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var frag = document.createDocumentFragment(), at = 0;
    spans.forEach(function (s) {
      if (s[0] < at) { return; }
      frag.appendChild(document.createTextNode(text.slice(at, s[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(s[0], s[1]);
      frag.appendChild(mark);
      at = s[1];
    });
    frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  function snippet(text, pats) {
    var at = -1;
    for (var k = 0; k < pats.length && at < 0; k++) {
      pats[k].lastIndex = 0;
      var m = pats[k].exec(text);
      if (m) { at = m.index; }
    }
    if (at < 0) { return text.length > 160 ? text.slice(0, 160) + "…" : text; }
    var start = Math.max(0, at - 50), end = Math.min(text.length, at + 110);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function show(query, only) {
    results.textContent = "";
    var plans = window.GREENPLAN_SEARCH || [];
    if (!plans.length) { status.textContent = say("noindex"); return; }
    if (!query.trim()) { status.textContent = say("empty"); return; }
    var r = search(query, only);
    var hits = r.hits || [];
    var lines = [hits.length ? say("found", {n: hits.length, q: query}) : say("none", {q: query})];
    if (hits.length > LIMIT) { lines.push(say("more", {n: LIMIT})); }
    status.textContent = lines.join(" ");
    if (only) {
      var plan = plans.filter(function (p) { return p.plan === only; })[0];
      var note = el("span", "", " " + say("only", {plan: plan ? plan.title : only}) + " ");
      var all = el("a", "", say("all"));
      all.href = "search.html?q=" + encodeURIComponent(query);
      status.appendChild(note);
      status.appendChild(all);
    }
    hits.slice(0, LIMIT).forEach(function (h) {
      var d = h.doc, page = h.plan.pages[d[0]];
      var li = el("li", "gp-hit");
      var a = el("a", "gp-hit-title");
      a.href = h.plan.base + page[0] + (d[3] ? "#" + d[3] : "");
      a.appendChild(marked(d[1] === 0 ? page[1] + (d[2] && d[2] !== page[1] ? " › " + d[2] : "")
                                      : d[2], r.patterns));
      li.appendChild(a);
      var where = el("div", "gp-hit-where");
      where.appendChild(el("span", "gp-kind", h.plan.kinds[d[1]]));
      where.appendChild(document.createTextNode(
        " " + (plans.length > 1 ? h.plan.title + " · " : "") + page[1]));
      li.appendChild(where);
      var p = el("p", "gp-hit-text");
      p.appendChild(marked(snippet(d[4], r.patterns), r.patterns));
      li.appendChild(p);
      results.appendChild(li);
    });
  }

  var params = new URLSearchParams(window.location.search);
  var query = params.get("q") || "";
  var only = params.get("plan") || "";
  box.value = query;
  var hidden = document.getElementById("gp-plan");
  if (hidden) { hidden.value = only; }
  show(query, only);
})();
