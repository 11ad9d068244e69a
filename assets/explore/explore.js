/* The explorer's behaviour: draw the grids of the embedded traces and, for any cell pointed at, write where
   its number comes from. Every number shown is looked up in the payload (computed by the Python core);
   this script never computes a value of a trace, it only finds, formats and lays out. */
"use strict";

(async function main() {
  const $ = (id) => document.getElementById(id);
  const data = await load($("explore-data"));
  const meta = data.meta;
  const ELLIPSIS = new Set(["\u22ee", "\u22ef", "\u22f1"]);
  const SUB = { T: "T", d: "d", dk: "d<sub>k</sub>", dv: "d<sub>v</sub>" };
  const STEP_CHARS = meta.shades.steps;
  const ui = { state: meta.initial, theme: meta.theme, pointed: null, cell: null, sources: [], pressedAt: null };
  const cache = new Map();
  window.explorer = { data, ui, ready: false }; // for tests and the curious: the numbers and the current state

  async function load(el) {
    const text = el.textContent;
    if (el.dataset.encoding === "json") return JSON.parse(text);
    const bytes = Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  // ----- the payload's matrices ---------------------------------------------------------------------------
  function matrix(id) {
    if (!cache.has(id)) {
      const m = data.mats[id];
      const raw = m.full === null ? null : Uint8Array.from(atob(m.full), (ch) => ch.charCodeAt(0));
      cache.set(id, { ...m, id, texts: m.text.split(" "), full: raw && new Float64Array(raw.buffer) }); // a picker's has none
    }
    return cache.get(id);
  }
  const current = () => data.states[ui.state];
  const mat = (role) => matrix(current().mats[role]);
  const at = (m, r, c) => m.texts[r * m.cols.length + c]; // drawn row r, drawn column c
  const drawnRow = (m, i) => m.rows.indexOf(i);
  const drawnCol = (m, j) => m.cols.indexOf(j);
  const split = (s) => s.split(" ");
  const tok = (i) => meta.tokens[i];

  // ----- what each grid is --------------------------------------------------------------------------------
  const ROLES = {
    X: { label: "X", shape: ["T", "d"], rows: "tokens", about: "the input, one row per token" },
    Wq: { label: "W<sup>q</sup>", shape: ["d", "dk"], about: "the query weights" },
    Wk: { label: "W<sup>k</sup>", shape: ["d", "dk"], about: "the key weights" },
    Wv: { label: "W<sup>v</sup>", shape: ["d", "dv"], about: "the value weights" },
    Q: { label: "Q = XW<sup>q</sup>", shape: ["T", "dk"], rows: "tokens", about: "the queries, X times W^q" },
    K: { label: "K = XW<sup>k</sup>", shape: ["T", "dk"], rows: "tokens", about: "the keys, X times W^k" },
    V: { label: "V = XW<sup>v</sup>", shape: ["T", "dv"], rows: "tokens", about: "the values, X times W^v" },
    S: { label: "QK<sup>\u22a4</sup>", shape: ["T", "T"], rows: "tokens", cols: "tokens", about: "the scores, each query (row) dotted with each key (column)" },
    C: { label: "QK<sup>\u22a4</sup>/\u221ad<sub>k</sub>", shape: ["T", "T"], rows: "tokens", cols: "tokens", about: "the scaled scores" },
    M: { label: "mask(QK<sup>\u22a4</sup>/\u221ad<sub>k</sub>)", shape: ["T", "T"], rows: "tokens", cols: "tokens", about: "the masked scores: minus infinity where a query may not see a key" },
    A: { label: "A = softmax(\u22c5)", shape: ["T", "T"], rows: "tokens", cols: "tokens", about: "the attention weights, each row a softmax that sums to 1" },
    R: { label: "R = AV", shape: ["T", "dv"], rows: "tokens", about: "the result, each row a weighted sum of the rows of V" },
  };
  const plain = (html) => html.replace(/<sup>\u22a4<\/sup>/g, "\u1d40").replace(/<[^>]+>/g, "");

  function steps() {
    const st = current();
    const scores = st.mats.M ? ["S", "C", "M"] : ["S", "C"];
    return [
      { title: "1. Queries, keys and values: X times each weight matrix", rows: [["X"], ["Wq", "Wk", "Wv"], ["Q", "K", "V"]] }, // each W above what it makes
      { title: st.scale.on ? "2. Scores QK\u1d40, scaled by 1/\u221ad\u2096" : "2. Scores QK\u1d40 (scale off: used as they are)", rows: [scores] },
      { title: "3. Attention weights: a softmax of each row", rows: [["A"]] },
      { title: "4. Result: the weighted sum of the rows of V", rows: [["R"]] },
    ];
  }

  // ----- drawing ------------------------------------------------------------------------------------------
  function applyTheme() {
    const pal = data.themes[ui.theme].palette;
    const root = document.documentElement.style;
    root.setProperty("--bg", pal.background);
    root.setProperty("--text", pal.text);
    root.setProperty("--divider", pal.divider);
    root.setProperty("--grid", pal.grid_line);
    root.setProperty("--masked", pal.masked);
    root.setProperty("--highlight", pal.token_highlight);
    document.documentElement.dataset.theme = ui.theme;
  }

  function paint(td, m, n) {
    const ch = m.shade[n];
    if (ch === meta.shades.gap) return;
    if (ch === meta.shades.masked) {
      td.style.background = data.themes[ui.theme].palette.masked;
      td.style.color = data.themes[ui.theme].palette.text;
      return;
    }
    const ramp = data.themes[ui.theme].ramps[m.key];
    const step = STEP_CHARS.indexOf(ch);
    td.style.background = ramp.fill[step];
    td.style.color = ramp.ink[step];
  }

  function headerText(kind, index) {
    if (index === null) return "\u22ef";
    return kind === "tokens" ? meta.labels[index] : String(index + 1);
  }

  // A grid is one figure of one or more tables: at a narrow width its columns are folded into blocks stacked
  // one under the other (each block with its own row and column labels), so the page never scrolls sideways.
  function grid(role, perBlock = Infinity) {
    const m = mat(role);
    const def = { ...ROLES[role] };
    if (meta.bias && "QKV".includes(role)) def.label += ` + b<sup>${role.toLowerCase()}</sup>`;
    const fig = document.createElement("figure");
    fig.className = "card";
    fig.dataset.role = role;
    const [rows, cols] = def.shape;
    const sizes = `${m.shape[0]}\u00d7${m.shape[1]}`;
    fig.innerHTML = `<figcaption>${def.label}<span class="sizes">${SUB[rows]}\u00d7${SUB[cols]} (${sizes})</span></figcaption>`;
    const blocks = columnBlocks(m.cols.length, perBlock);
    for (const [from, to] of blocks) {
      const scroll = document.createElement("div");
      scroll.className = "scroll";
      const part = blocks.length > 1 ? `, columns ${from + 1} to ${to} of ${m.cols.length}` : "";
      scroll.appendChild(table(role, def, m, from, to, part));
      fig.appendChild(scroll);
    }
    const first = fig.querySelector("td[data-r]");
    if (first) first.tabIndex = 0;
    return fig;
  }

  // [from, to) of each block of columns: as few blocks as hold at most ``perBlock`` columns, of even widths.
  function columnBlocks(count, perBlock) {
    const blocks = Math.max(1, Math.ceil(count / perBlock));
    const size = Math.ceil(count / blocks);
    return Array.from({ length: blocks }, (_, k) => [k * size, Math.min(count, (k + 1) * size)]).filter(([a, b]) => a < b);
  }

  // The drawn columns from..to-1 of ``m`` as a table; cells keep their drawn row and column (data-r, data-c).
  function table(role, def, m, from, to, part) {
    const table = document.createElement("table");
    table.className = "grid";
    table.setAttribute("role", "grid");
    table.setAttribute("aria-label", `${plain(def.label)}, ${m.shape[0]} by ${m.shape[1]}${m.rows.length < m.shape[0] || m.cols.length < m.shape[1] ? ", folded" : ""}${part}: ${def.about}`);
    table.dataset.role = role;
    const head = table.createTHead().insertRow();
    head.appendChild(document.createElement("td")).className = "gap";
    for (let c = from; c < to; c += 1) {
      const j = m.cols[c];
      const th = document.createElement("th");
      th.scope = "col";
      th.dataset.c = c;
      th.textContent = headerText(def.cols, j);
      if (def.cols === "tokens") th.className = "tok";
      if (def.cols === "tokens" && j !== null) th.title = tok(j);
      head.appendChild(th);
    }
    const body = table.createTBody();
    m.rows.forEach((i, r) => {
      const tr = body.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.className = "row";
      th.dataset.r = r;
      th.textContent = i === null ? "\u22ee" : headerText(def.rows, i);
      if (def.rows === "tokens" && i !== null) th.title = tok(i);
      tr.appendChild(th);
      for (let c = from; c < to; c += 1) tr.appendChild(gridCell(def, m, r, c));
    });
    return table;
  }

  function gridCell(def, m, r, c) {
    const td = document.createElement("td");
    const i = m.rows[r], j = m.cols[c];
    const n = r * m.cols.length + c;
    const text = m.texts[n];
    td.textContent = text;
    if (ELLIPSIS.has(text)) {
      td.className = "gap";
      td.setAttribute("aria-hidden", "true");
      return td;
    }
    td.dataset.r = r;
    td.dataset.c = c;
    td.tabIndex = -1;
    td.setAttribute("role", "gridcell");
    if (m.shade[n] === meta.shades.masked) td.classList.add("masked");
    const rowName = def.rows === "tokens" ? tok(i) : `row ${i + 1}`;
    const colName = def.cols === "tokens" ? tok(j) : `column ${j + 1}`;
    td.setAttribute("aria-label", `${plain(def.label)}, ${rowName}, ${colName}: ${text}`);
    paint(td, m, n);
    return td;
  }

  // Fold a figure whose table is wider than the column of grids, with fewer columns a block until each fits.
  function fold(fig) {
    const room = $("grids").clientWidth;
    const widest = () => Math.max(...[...fig.querySelectorAll("table")].map((t) => t.offsetWidth));
    const count = mat(fig.dataset.role).cols.length;
    let perBlock = count;
    while (widest() > room && perBlock > 1) {
      const t = fig.querySelector("table");
      const labels = t.tBodies[0].rows[0].cells[0].offsetWidth;
      const shown = t.tHead.rows[0].cells.length - 1;
      const perColumn = (t.offsetWidth - labels) / shown;
      perBlock = Math.max(1, Math.min(perBlock - 1, Math.floor((room - labels) / perColumn)));
      const folded = grid(fig.dataset.role, perBlock);
      fig.replaceWith(folded);
      fig = folded;
    }
  }

  function draw() {
    const grids = $("grids");
    const scrolled = [window.scrollX, window.scrollY]; // redrawing must not move the page
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#grids td[data-r]");
    const keep = ui.pointed;
    grids.replaceChildren();
    for (const step of steps()) {
      const section = document.createElement("section");
      section.className = "step";
      section.innerHTML = `<h3>${step.title}</h3>`;
      for (const roles of step.rows) {
        const cards = document.createElement("div");
        cards.className = "cards";
        roles.forEach((role) => cards.appendChild(grid(role)));
        section.appendChild(cards);
      }
      grids.appendChild(section);
    }
    grids.querySelectorAll("figure.card").forEach(fold);
    caption();
    window.scrollTo(...scrolled);
    if (keep) {
      const td = cellAt(keep.role, keep.r, keep.c);
      if (td) {
        point(td);
        if (focused) td.focus({ preventScroll: true });
      } else clearWorked();
    }
    if (meta.model) markHead();
    if (pickers) pickers.draw();
  }

  function caption() {
    const st = current();
    const what = meta.model
      ? `${meta.model}, layer ${ui.state.split("/")[0].slice(1)}, head ${ui.state.split("/")[1].slice(1)}: X is that layer's input (${meta.T} \u00d7 ${meta.d}), each W ${meta.d} \u00d7 ${meta.d_k}, with biases; wide matrices are folded (first and last columns, \u22ef between)`
      : `the toy model, d = ${meta.d}; causal mask ${st.mats.M ? "on" : "off"}, scale 1/\u221ad\u2096 ${st.scale.on ? "on" : "off"}`;
    $("caption").textContent = `Scaled dot-product self-attention of the ${meta.T} tokens of \u201c${meta.sentence}\u201d, ${what}. Shading as in the video: the matrix's colour for positive values, slate for negative ones, stronger for larger magnitudes. Numbers rounded to ${meta.decimals} decimals.`;
  }

  // ----- pointing -----------------------------------------------------------------------------------------
  function cellAt(role, r, c) {
    return document.querySelector(`#grids table[data-role="${role}"] td[data-r="${r}"][data-c="${c}"]`);
  }
  function clearMarks() {
    document.querySelectorAll("#grids .src, #grids .pointed, #grids .has-src").forEach((el) => el.classList.remove("src", "pointed", "has-src"));
    ui.sources = [];
  }
  function clearWorked() {
    ui.pointed = ui.cell = null;
    clearMarks();
  }
  // Mark the cells (and their row or column labels) of grid ``role`` that ``selector`` picks as sources of the
  // pointed cell; the rest of that grid is dimmed by the style (.has-src) so that the marked ones stand out.
  function mark(role, selector, name) {
    const tables = document.querySelectorAll(`#grids table[data-role="${role}"]`);
    tables.forEach((t) => {
      t.classList.add("has-src");
      t.querySelectorAll(selector).forEach((el) => el.classList.add("src"));
    });
    ui.sources.push({ role, selector, name });
  }
  const gridName = (role) => plain(ROLES[role].label).split(" = ")[0];
  function markRow(role, i) {
    const r = drawnRow(mat(role), i);
    mark(role, `td[data-r="${r}"], th[data-r="${r}"]`, `row ${i + 1} of ${gridName(role)}`);
  }
  function markCol(role, j) {
    const c = drawnCol(mat(role), j);
    mark(role, `td[data-c="${c}"], th[data-c="${c}"]`, `column ${j + 1} of ${gridName(role)}`);
  }
  function markCell(role, i, j) {
    const m = mat(role);
    mark(role, `td[data-r="${drawnRow(m, i)}"][data-c="${drawnCol(m, j)}"]`, `${gridName(role)}[${i + 1}, ${j + 1}]`);
  }

  function point(td) {
    if (td === ui.cell) return; // pointed already (a tap is followed by its focus): keep the panel as it is
    ui.cell = td;
    const table = td.closest("table");
    const role = table.dataset.role;
    const r = Number(td.dataset.r), c = Number(td.dataset.c);
    const m = mat(role);
    const i = m.rows[r], j = m.cols[c];
    clearMarks();
    td.classList.add("pointed");
    ui.pointed = { role, r, c };
    const explain = EXPLAIN[role] || EXPLAIN.W;
    const body = $("worked-body");
    body.innerHTML = explain(role, i, j, r, c);
    body.insertAdjacentHTML("beforeend", full(m, r, c));
    body.dataset.role = role;
    body.dataset.i = i;
    body.dataset.j = j;
    $("worked").scrollTop = 0;
  }

  // ----- a docked panel (a phone): keep the pointed cell and its sources in sight above the panel ------------
  const docked = () => getComputedStyle($("worked")).position === "fixed";
  const MARGIN = 6; // px kept clear under the top of the screen and above the panel
  const motion = () => (matchMedia("(prefers-reduced-motion: reduce)").matches ? "instant" : "smooth");

  // The part of the screen a docked panel can never cover, however long its text (it is at most max-height).
  function band() {
    const cap = parseFloat(getComputedStyle($("worked")).maxHeight) || window.innerHeight / 3;
    return { top: MARGIN, bottom: window.innerHeight - cap - MARGIN };
  }

  // Where elements lie in the page: the union of their boxes, in page (not screen) coordinates.
  function extent(elements) {
    const boxes = [...elements].map((el) => el.getBoundingClientRect());
    return { top: Math.min(...boxes.map((b) => b.top)) + window.scrollY, bottom: Math.max(...boxes.map((b) => b.bottom)) + window.scrollY };
  }
  const spanOf = (boxes) => ({ top: Math.min(...boxes.map((b) => b.top)), bottom: Math.max(...boxes.map((b) => b.bottom)) });
  const height = (box) => box.bottom - box.top;
  const centre = (box) => (box.top + box.bottom) / 2;

  // Each source as a name and the boxes of its marked cells, one box for each block of its grid.
  function sourceBoxes() {
    return ui.sources.map((s) => ({
      name: s.name,
      boxes: [...document.querySelectorAll(`#grids table[data-role="${s.role}"]`)]
        .map((t) => t.querySelectorAll(`td.src:is(${s.selector})`))
        .filter((cells) => cells.length)
        .map(extent),
    }));
  }

  // As many of ``boxes`` as fit on the screen together, taken in order.
  function fitting(boxes, room) {
    const shown = [];
    for (const box of boxes) if (!shown.length || height(spanOf([...shown, box])) <= room.bottom - room.top) shown.push(box);
    return shown;
  }

  // The page's scroll that brings ``box`` (page coordinates) between the top of the screen and the panel,
  // scrolling as little as it can.
  function scrollFor(box, room) {
    const y = window.scrollY;
    let to = y;
    if (box.top < y + room.top || height(box) > room.bottom - room.top) to = box.top - room.top;
    else if (box.bottom > y + room.bottom) to = box.bottom - room.bottom;
    const last = document.scrollingElement.scrollHeight - window.innerHeight;
    return Math.max(0, Math.min(last, to));
  }
  const inSight = (box, y, room) => box.top - y >= room.top - 1 && box.bottom - y <= room.bottom + 1;
  const underPanel = (box, y, room) => box.bottom - y > room.bottom && box.top - y < window.innerHeight;

  // The sources in sight first (the nearest to the cell first), and the cell with them if there is room; the
  // cell itself is never left under the panel. What does not fit gets buttons in the panel.
  function reveal(td) {
    const room = band();
    const cell = extent([td]);
    const sources = sourceBoxes();
    const pieces = sources.flatMap((s) => s.boxes).sort((a, b) => Math.abs(centre(a) - centre(cell)) - Math.abs(centre(b) - centre(cell)));
    let y = scrollFor(spanOf(fitting([...pieces, cell], room)), room);
    if (underPanel(cell, y, room)) y = scrollFor(spanOf(fitting([cell, ...pieces], room)), room);
    if (![...pieces, cell].every((box) => inSight(box, y, room))) offerJumps([...sources, { name: "the cell pointed at", boxes: [cell] }]);
    if (y !== window.scrollY) window.scrollTo({ top: y, behavior: motion() });
  }

  // When they do not all fit on the screen together, the panel gets a button for each that scrolls to it.
  function offerJumps(items) {
    $("worked-body").querySelectorAll(".jumps").forEach((old) => old.remove());
    const jumps = document.createElement("p");
    jumps.className = "jumps";
    jumps.textContent = "Scroll to:";
    for (const item of items) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = item.name;
      button.addEventListener("click", () => window.scrollTo({ top: scrollFor(spanOf(item.boxes), band()), behavior: motion() }));
      jumps.appendChild(button);
    }
    $("worked-body").prepend(jumps);
  }

  function full(m, r, c) {
    const value = m.full[r * m.cols.length + c];
    return `<details class="full"><summary>Full value</summary><code data-part="full">${String(value)}</code></details>`;
  }

  const n = (text) => (text.startsWith("\u2212") ? `(${text})` : text); // a factor, parenthesised when negative
  const part = (name, text, extra = "") => `<span data-part="${name}"${extra}>${text}</span>`;

  function termsTable(heads, rows, here = -1) {
    // One line per term (it fits a narrow panel): heads name the terms, each of ``rows`` is a column
    // [name, cells, part]; the line ``here`` is the pointed one.
    const th = rows.map(([name]) => `<th scope="col">${name}</th>`).join("");
    const body = heads
      .map((h, k) => {
        const cells = rows
          .map(([, cells, partName]) => {
            const v = cells[k];
            const tag = partName && !ELLIPSIS.has(v) ? ` data-part="${partName}" data-k="${k}"` : "";
            return `<td${tag}>${v}</td>`;
          })
          .join("");
        return `<tr${k === here ? ' class="here"' : ""}><th scope="row">${h}</th>${cells}</tr>`;
      })
      .join("");
    return `<div class="terms"><table><thead><tr><td></td>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
  }

  // The drawn columns of a folded dimension, with the ellipsis, and how many terms the ellipsis stands for.
  function foldedTerms(indices, total, cellsOf) {
    const heads = [], cells = cellsOf.map(() => []);
    let k = 0;
    indices.forEach((idx) => {
      if (idx === null) {
        heads.push("\u22ef");
        cells.forEach((list) => list.push("\u22ef"));
      } else {
        heads.push(String(idx + 1));
        cellsOf.forEach((get, row) => cells[row].push(get(idx, k)));
        k += 1;
      }
    });
    const hidden = total - k;
    return { heads, cells, hidden };
  }

  const EXPLAIN = {
    S(role, i, j) {
      const st = current(), Q = mat("Q"), K = mat("K"), S = mat("S");
      const rq = drawnRow(Q, i), rk = drawnRow(K, j);
      const products = split(st.dot[i]);
      const nc = Q.cols.filter((x) => x !== null).length;
      const t = foldedTerms(Q.cols, meta.d_k, [
        (idx) => at(Q, rq, drawnCol(Q, idx)),
        (idx) => at(K, rk, drawnCol(K, idx)),
        (idx, k) => products[j * nc + k],
      ]);
      markRow("Q", i);
      markRow("K", j);
      const total = at(S, drawnRow(S, i), drawnCol(S, j));
      return `<p class="worked-formula">(QK<sup>\u22a4</sup>)[${esc(tok(i))}, ${esc(tok(j))}] = <var>q</var><sub>${i + 1}</sub> \u00b7 <var>k</var><sub>${j + 1}</sub> = \u2211<sub>c</sub> <var>q</var><sub>${i + 1},c</sub> <var>k</var><sub>${j + 1},c</sub></p>`
        + termsTable(t.heads, [[`q<sub>${i + 1}</sub>`, t.cells[0]], [`k<sub>${j + 1}</sub>`, t.cells[1]], ["product", t.cells[2], "term"]])
        + (t.hidden ? `<p class="worked-note">\u22ef stands for ${t.hidden} more terms; the total is the sum of all ${meta.d_k}.</p>` : "")
        + `<p class="result">Sum = ${part("total", total)}</p>`;
    },
    C(role, i, j) {
      const st = current(), S = mat("S"), C = mat("C");
      const s = at(S, drawnRow(S, i), drawnCol(S, j));
      const x = at(C, drawnRow(C, i), drawnCol(C, j));
      markCell("S", i, j);
      const head = `<p class="worked-formula">Scaled score of query ${esc(tok(i))} and key ${esc(tok(j))}</p>`;
      if (!st.scale.on) return head + `<p class="worked-note">The scale is off: the scores go to the softmax as they are.</p><p class="result">${part("score", s)} \u2192 ${part("total", x)}</p>`;
      return head + `<p class="result">${part("score", s)} \u00f7 \u221a${meta.d_k} = ${part("score", s)} \u00f7 ${part("sqrt", st.scale.sqrt)} = ${part("total", x)}</p><p class="worked-note">(that is, times 1/\u221ad\u2096 = ${st.scale.factor}; the product was computed in full precision)</p>`;
    },
    M(role, i, j) {
      const C = mat("C"), M = mat("M");
      const x = at(M, drawnRow(M, i), drawnCol(M, j));
      markCell("C", i, j);
      const hidden = x === "\u2212\u221e";
      return `<p class="worked-formula">Query ${esc(tok(i))} (${i + 1}) and key ${esc(tok(j))} (${j + 1})</p>`
        + `<p class="worked-note">${hidden ? "The key comes after the query: the causal mask hides it, so its score becomes \u2212\u221e and its weight e<sup>\u2212\u221e</sup> = 0." : "The key is not after the query: the mask keeps its scaled score " + at(C, drawnRow(C, i), drawnCol(C, j)) + "."}</p>`
        + `<p class="result">${part("total", x)}</p>`;
    },
    A(role, i, j) {
      const st = current(), A = mat("A");
      const src = st.mats.M ? "M" : "C";
      const X = mat(src), sm = st.softmax[i];
      const r = drawnRow(X, i), ra = drawnRow(A, i);
      const keys = X.cols.map((k) => esc(meta.labels[k]));
      const xs = X.cols.map((k, c) => at(X, r, c));
      const weights = A.cols.map((k, c) => at(A, ra, c));
      markRow(src, i);
      const exps = split(sm.exp);
      return `<p class="worked-formula">A[${esc(tok(i))}, ${esc(tok(j))}] = e<sup><var>x</var><sub>${j + 1}</sub>\u2212max</sup> / \u2211<sub>k</sub> e<sup><var>x</var><sub>k</sub>\u2212max</sup>, over row ${i + 1} of ${src === "M" ? "the masked scores" : "the scaled scores"}</p>`
        + termsTable(keys, [["x", xs, "x"], ["x \u2212 max", split(sm.shift), "shift"], ["e<sup>x\u2212max</sup>", exps, "exp"], ["weight", weights, "weight"]], j)
        + `<p class="worked-note">max = ${part("max", sm.max)}; sum of the row's e<sup>x\u2212max</sup> = ${part("sum", sm.sum)}</p>`
        + `<p class="result">${part("exp", exps[j])} \u00f7 ${part("sum", sm.sum)} = ${part("total", weights[j])}</p>`;
    },
    R(role, i, c0) {
      const st = current(), A = mat("A"), V = mat("V"), R = mat("R");
      const cv = drawnCol(V, c0);
      const nth = V.cols.slice(0, cv).filter((x) => x !== null).length;
      const terms = split(st.wsum[i]).slice(nth * meta.T, (nth + 1) * meta.T);
      const ra = drawnRow(A, i);
      const keys = A.cols.map((k) => esc(meta.labels[k]));
      markRow("A", i);
      markCol("V", c0);
      return `<p class="worked-formula">R[${esc(tok(i))}, ${c0 + 1}] = \u2211<sub>k</sub> A[${i + 1}, k] \u00b7 V[k, ${c0 + 1}]: row ${i + 1} of A weighs column ${c0 + 1} of V</p>`
        + termsTable(keys, [["a", A.cols.map((k, c) => at(A, ra, c)), "weight"], ["v", A.cols.map((k) => at(V, drawnRow(V, k), cv)), "value"], ["a\u00b7v", terms, "term"]])
        + `<p class="result">Sum = ${part("total", at(R, drawnRow(R, i), drawnCol(R, c0)))}</p>`;
    },
    Q: projection,
    K: projection,
    V: projection,
    X(role, i, j) {
      const where = meta.model ? `the input of this layer for token ${esc(tok(i))}` : `token ${esc(tok(i))}'s embedding plus its position encoding`;
      return `<p class="worked-formula">X[${esc(tok(i))}, ${j + 1}]: feature ${j + 1} of ${where}.</p><p class="result">${part("total", at(mat("X"), drawnRow(mat("X"), i), drawnCol(mat("X"), j)))}</p>`;
    },
    W(role, i, j) {
      const which = { Wq: "query", Wk: "key", Wv: "value" }[role];
      const m = mat(role);
      const origin = meta.model ? `learned by ${meta.model}` : "seeded at random, as the toy model's";
      return `<p class="worked-formula">W<sup>${role[1]}</sup>[${i + 1}, ${j + 1}]: a ${which} weight, ${origin}: input feature ${i + 1} to ${which} feature ${j + 1}.</p><p class="result">${part("total", at(m, drawnRow(m, i), drawnCol(m, j)))}</p>`;
    },
  };

  function projection(role, i, c0) {
    const p = current().proj[role], X = mat("X"), W = mat(`W${role.toLowerCase()}`), out = mat(role);
    const cw = drawnCol(W, c0);
    const nth = W.cols.slice(0, cw).filter((x) => x !== null).length;
    const nm = W.rows.filter((x) => x !== null).length;
    const products = split(p.terms[i]).slice(nth * nm, (nth + 1) * nm);
    const rx = drawnRow(X, i);
    const t = foldedTerms(W.rows, p.n, [
      (m) => at(X, rx, drawnCol(X, m)),
      (m) => at(W, drawnRow(W, m), cw),
      (m, k) => products[k],
    ]);
    markRow("X", i);
    markCol(`W${role.toLowerCase()}`, c0);
    const small = role.toLowerCase();
    const sum = split(p.sum[i])[nth];
    const total = at(out, drawnRow(out, i), drawnCol(out, c0));
    const bias = p.bias ? split(p.bias)[nth] : null;
    return `<p class="worked-formula">${role}[${esc(tok(i))}, ${c0 + 1}] = \u2211<sub>m</sub> X[${i + 1}, m] \u00b7 W<sup>${small}</sup>[m, ${c0 + 1}]${bias ? ` + b<sup>${small}</sup>[${c0 + 1}]` : ""}</p>`
      + termsTable(t.heads, [["x", t.cells[0]], [`w<sup>${small}</sup>`, t.cells[1]], ["product", t.cells[2], "term"]])
      + (t.hidden ? `<p class="worked-note">\u22ef stands for ${t.hidden} more terms; the sum is over all ${p.n}.</p>` : "")
      + (bias
        ? `<p class="result">Sum ${part("sum", sum)} + bias ${part("bias", n(bias))} = ${part("total", total)}</p>`
        : `<p class="result">Sum = ${part("total", total)}</p>`);
  }

  function esc(text) {
    return String(text).replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]);
  }

  // ----- keyboard: arrows move within a grid, Home/End to a row's ends ---------------------------------------
  function onKey(event) {
    const td = event.target.closest && event.target.closest("td[data-r]");
    if (!td) return;
    const figure = td.closest("figure"); // a folded grid's blocks are one grid to the keys
    let r = Number(td.dataset.r), c = Number(td.dataset.c);
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = mat(figure.dataset.role);
    let target = null;
    if (event.key in moves) {
      const [dr, dc] = moves[event.key];
      for (let step = 1; step <= 2 && !target; step += 1) { // skip over an ellipsis row or column
        target = figure.querySelector(`td[data-r="${r + dr * step}"][data-c="${c + dc * step}"]`);
      }
    } else if (event.key === "Home") target = figure.querySelector(`td[data-r="${r}"][data-c="0"]`);
    else if (event.key === "End") target = figure.querySelector(`td[data-r="${r}"][data-c="${m.cols.length - 1}"]`);
    else return;
    event.preventDefault();
    if (target) move(td, target);
  }
  function move(from, to) {
    from.tabIndex = -1;
    to.tabIndex = 0;
    to.focus();
  }

  // ----- controls -------------------------------------------------------------------------------------------
  function controls() {
    const box = $("controls");
    if (meta.model) {
      const [layer, head] = ui.state.split("/").map((s) => Number(s.slice(1)));
      box.insertAdjacentHTML("beforeend", `<label>Layer <select id="layer">${range(meta.layers).map((k) => `<option value="${k}"${k === layer ? " selected" : ""}>${k}</option>`).join("")}</select></label>`
        + `<label>Head <select id="head">${range(meta.heads).map((k) => `<option value="${k}"${k === head ? " selected" : ""}>${k}</option>`).join("")}</select></label>`);
      const pick = () => show(`L${$("layer").value}/H${$("head").value}`);
      $("layer").addEventListener("change", pick);
      $("head").addEventListener("change", pick);
      overview();
    } else {
      const st = current();
      box.insertAdjacentHTML("beforeend", `<label><input type="checkbox" id="mask"${st.mats.M ? " checked" : ""}> Causal mask</label>`
        + `<label><input type="checkbox" id="scale"${st.scale.on ? " checked" : ""}> Scale by 1/\u221ad\u2096</label>`);
      const pick = () => show(`mask-${$("mask").checked ? "on" : "off"}/scale-${$("scale").checked ? "on" : "off"}`);
      $("mask").addEventListener("change", pick);
      $("scale").addEventListener("change", pick);
    }
    box.insertAdjacentHTML("beforeend", `<button type="button" id="theme" aria-pressed="${ui.theme === "dark"}">Dark theme</button>`);
    $("theme").addEventListener("click", () => {
      ui.theme = ui.theme === "dark" ? "video" : "dark";
      $("theme").setAttribute("aria-pressed", String(ui.theme === "dark"));
      applyTheme();
      draw();
      if (meta.model) overview(true);
    });
  }
  const range = (count) => Array.from({ length: count }, (_, k) => k + 1);

  function overview(repaint = false) {
    const box = $("heads");
    $("overview").hidden = false;
    box.style.setProperty("--heads", meta.heads);
    if (!repaint) {
      box.insertAdjacentHTML("beforeend", `<span></span>${range(meta.heads).map((h) => `<span class="axis">H${h}</span>`).join("")}`);
      for (const layer of range(meta.layers)) {
        box.insertAdjacentHTML("beforeend", `<span class="axis">L${layer}</span>`);
        for (const head of range(meta.heads)) {
          const button = document.createElement("button");
          button.type = "button";
          button.dataset.state = `L${layer}/H${head}`;
          button.setAttribute("aria-label", `Layer ${layer}, head ${head}`);
          button.setAttribute("aria-pressed", "false");
          button.appendChild(document.createElement("canvas"));
          button.addEventListener("click", () => show(button.dataset.state));
          box.appendChild(button);
        }
      }
    }
    box.querySelectorAll("button").forEach((button) => thumbnail(button.firstChild, data.states[button.dataset.state]));
  }
  function thumbnail(canvas, st) {
    const A = matrix(st.mats.A), ramp = data.themes[ui.theme].ramps[A.key];
    const rows = A.rows.length, cols = A.cols.length;
    canvas.width = cols;
    canvas.height = rows;
    const ctx = canvas.getContext("2d");
    for (let r = 0; r < rows; r += 1) {
      for (let c = 0; c < cols; c += 1) {
        ctx.fillStyle = ramp.fill[STEP_CHARS.indexOf(A.shade[r * cols + c])] || data.themes[ui.theme].palette.masked;
        ctx.fillRect(c, r, 1, 1);
      }
    }
  }
  function markHead() {
    document.querySelectorAll("#heads button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.state === ui.state)));
    const [layer, head] = ui.state.split("/").map((s) => Number(s.slice(1)));
    $("layer").value = String(layer);
    $("head").value = String(head);
  }

  function show(name) {
    if (!(name in data.states) || name === ui.state) return;
    ui.state = name;
    draw();
  }

  // ----- start ------------------------------------------------------------------------------------------------
  $("describe").textContent = meta.describe;
  applyTheme();
  controls();
  // The step and block pickers (pickers.js, inlined after this script): attention as it runs.
  const pickers = explorerPickers({ data, meta, ui, matrix, paint, esc, $ });
  draw();
  const grids = $("grids");
  const cellOf = (event) => event.target.closest && event.target.closest("td[data-r]");
  // A mouse that has not moved while the page scrolled under it points at nothing new.
  const still = (e) => e.pointerType === "mouse" && ui.pressedAt && e.clientX === ui.pressedAt[0] && e.clientY === ui.pressedAt[1];
  grids.addEventListener("pointerdown", (e) => { ui.pressedAt = [e.clientX, e.clientY]; });
  grids.addEventListener("pointerover", (e) => { // a mouse or a pen points by hovering
    const td = cellOf(e);
    if (td && e.pointerType !== "touch" && !still(e)) point(td);
  });
  grids.addEventListener("focusin", (e) => {
    const td = cellOf(e);
    if (!td) return;
    point(td);
    if (docked() && td.matches(":focus-visible")) reveal(td); // the keyboard
  });
  // A finger points by tapping: on its lifting, as the click may land on the panel that has just grown
  // under it; a swipe that scrolls the page ends in pointercancel and points at nothing.
  grids.addEventListener("pointerup", (e) => {
    if (e.pointerType === "touch") tapped(cellOf(e));
  });
  grids.addEventListener("click", (e) => {
    if (e.pointerType !== "touch") tapped(cellOf(e));
  });
  function tapped(td) {
    if (!td) return;
    point(td);
    if (docked()) reveal(td);
  }
  let width = grids.clientWidth;
  window.addEventListener("resize", () => { // refold the grids for the new width
    if (grids.clientWidth === width) return;
    width = grids.clientWidth;
    draw();
  });
  grids.addEventListener("keydown", onKey);
  // Printed on white whatever the screen's theme: paper is light.
  let screenTheme = null;
  window.addEventListener("beforeprint", () => {
    screenTheme = ui.theme;
    if (ui.theme !== "video") { ui.theme = "video"; applyTheme(); draw(); }
  });
  window.addEventListener("afterprint", () => {
    if (screenTheme && screenTheme !== ui.theme) { ui.theme = screenTheme; applyTheme(); draw(); }
  });
  window.explorer.ready = true;
  window.explorer.readyAt = performance.now(); // ms since navigation start, for bench/bench_explore.py
  document.documentElement.dataset.ready = "true";
})();
