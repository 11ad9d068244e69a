/* The explorer's two pickers (attention as it runs), called by explore.js once the payload is read:
   the decode steps of a cached run (a step picker) and the online softmax's states block by block (a block
   picker). Every number is looked up in the payload's "runs" (computed by the Python core, rendering/exporters/
   explore/runs.py); this script only picks, formats and lays out, as explore.js does. */
"use strict";

function explorerPickers(api) {
  const { data, meta, ui, matrix, paint, esc, $ } = api;
  const runs = data.runs || {};
  const pick = { step: 0, row: null, block: null };
  const split = (s) => (s === "" ? [] : s.split(" "));
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // ----- a small grid of a run's matrix (no pointing: the worked panel belongs to the grids above) ---------
  // rowName(i) and colName(j) name a source row and column; rowClass(i) marks a row (a reused or new key).
  function runGrid(m, caption, rowName, colName, options = {}) {
    const fig = el("figure", "card");
    fig.appendChild(el("figcaption")).innerHTML = caption;
    const scroll = fig.appendChild(el("div", "scroll"));
    const table = scroll.appendChild(el("table", "grid run-grid"));
    table.setAttribute("aria-label", options.label || caption.replace(/<[^>]+>/g, ""));
    if (options.role) table.dataset.role = options.role;
    const head = table.createTHead().insertRow();
    head.appendChild(el("td", "gap"));
    m.cols.forEach((j) => {
      const th = head.appendChild(el("th", options.tokenCols ? "tok" : "", j === null ? "\u22ef" : colName(j)));
      th.scope = "col";
      if (options.tokenCols && j !== null) th.title = options.tokenCols[j];
    });
    const body = table.createTBody();
    m.rows.forEach((i, r) => {
      const tr = body.insertRow();
      if (i !== null && options.rowClass) tr.className = options.rowClass(i);
      const th = tr.appendChild(el("th", "row", i === null ? "\u22ee" : rowName(i)));
      th.scope = "row";
      m.cols.forEach((j, c) => {
        const n = r * m.cols.length + c;
        const td = tr.appendChild(el("td", "", m.texts[n]));
        if (i === null || j === null) td.className = "gap";
        else {
          td.dataset.r = r;
          td.dataset.c = c;
          if (m.shade[n] === meta.shades.masked) td.classList.add("masked");
          paint(td, m, n);
        }
      });
    });
    return fig;
  }
  const cards = (...figures) => {
    const box = el("div", "cards");
    figures.forEach((f) => box.appendChild(f));
    return box;
  };

  // ----- the step picker: a cached run ------------------------------------------------------------------------
  const decode = runs.decode;
  function decodeControls() {
    const section = $("decode");
    section.hidden = false;
    if (!decode) {
      $("decode-caption").textContent = `${meta.model} is an encoder: it reads the whole sentence at once and never writes a token, so it keeps no key/value cache. A decoder (--model smollm2) or the toy model has a step picker here.`;
      return;
    }
    const where = decode.layer ? `layer ${decode.layer}, head ${decode.head} (whose keys and values are key/value head ${decode.kv_head}'s, shared with the other query heads of its group)` : "its one head";
    $("decode-caption").textContent = meta.model
      ? `${meta.model} reads \u201c${meta.sentence}\u201d one token at a time, then writes ${decode.new} tokens greedily (each the highest of its logits), with a key/value cache; shown: ${where}. Each step computes one new row of K and V and reuses the rows before it. Pick a step (the arrow keys move between steps).`
      : `The toy model has no vocabulary to pick a next token from: it replays its ${decode.steps.length} tokens one at a time, and the cache makes the causal mask: each step's query sees the keys cached so far and its own. Each step computes one new row of K and V and reuses the rows before it. Pick a step (the arrow keys move between steps).`;
    const box = $("decode-steps");
    decode.steps.forEach((s, k) => {
      const button = box.appendChild(el("button", s.position >= decode.prompt ? "written" : "", s.label));
      button.type = "button";
      button.setAttribute("role", "radio");
      button.dataset.step = k;
      button.title = s.token;
      button.setAttribute("aria-label", `Step ${k + 1}: ${s.token}${s.position >= decode.prompt ? " (written by the model)" : ""}`);
      button.addEventListener("click", () => showStep(k));
    });
    box.addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 };
      const last = decode.steps.length - 1;
      let k = null;
      if (event.key in moves) k = Math.max(0, Math.min(last, pick.step + moves[event.key]));
      else if (event.key === "Home") k = 0;
      else if (event.key === "End") k = last;
      if (k === null) return;
      event.preventDefault();
      showStep(k);
      box.querySelector(`[data-step="${k}"]`).focus();
    });
    pick.step = decode.steps.length - 1; // the last step: the longest cache, and a written token
  }
  function showStep(k) {
    pick.step = k;
    drawStep();
  }

  function drawStep() {
    if (!decode) return;
    const s = decode.steps[pick.step];
    $("decode-steps").querySelectorAll("button").forEach((b) => {
      const on = Number(b.dataset.step) === pick.step;
      b.setAttribute("aria-checked", String(on));
      b.tabIndex = on ? 0 : -1;
    });
    const label = (i) => decode.labels[i];
    const column = (j) => String(j + 1);
    const reused = (i) => (i < s.cached ? "reused" : "new");
    const K = matrix(s.K), V = matrix(s.V);
    const keyNames = decode.tokens;
    const body = $("decode-body");
    body.replaceChildren();
    body.dataset.step = pick.step;
    $("decode-status").innerHTML = `Step ${pick.step + 1} of ${decode.steps.length}: the token <b>${esc(s.label)}</b> at position ${s.position + 1}. `
      + `<span class="reused-key">${s.cached} rows of K and V reused</span> from the cache, <span class="new-key">1 row computed</span> now; its query row against all ${s.cached + 1}.`;
    const dk = meta.model ? "d<sub>head</sub>" : "d<sub>k</sub>";
    body.appendChild(cards(
      runGrid(matrix(s.q), `q, the new query row <span class="sizes">1\u00d7${dk}</span>`, () => label(s.position), column, { role: "q" }),
      runGrid(K, `K, the key cache <span class="sizes">${s.cached + 1}\u00d7${dk}</span>`, label, column, { role: "K", rowClass: reused }),
      runGrid(V, `V, the value cache <span class="sizes">${s.cached + 1}\u00d7${dk}</span>`, label, column, { role: "V", rowClass: reused }),
    ));
    const tokenCols = { tokenCols: keyNames };
    body.appendChild(cards(
      runGrid(matrix(s.scores), "q K<sup>\u22a4</sup>/\u221ad<sub>k</sub>, its scores", () => label(s.position), label, { ...tokenCols, role: "scores" }),
      runGrid(matrix(s.weights), "softmax: its row of weights", () => label(s.position), label, { ...tokenCols, role: "weights" }),
      runGrid(matrix(s.output), "its output row, weights \u00d7 V", () => label(s.position), column, { role: "output" }),
    ));
    let next;
    if (s.next === null) next = "The last token: nothing follows it, and the replay ends.";
    else if (s.picked) next = `Next token: <b data-part="next">${esc(s.next)}</b>, written by the model (the highest logit after this step's last layer).`;
    else if (meta.model) next = `Next token: <b data-part="next">${esc(s.next)}</b>, the sentence's own (the model is still reading it).`;
    else next = `Next token: <b data-part="next">${esc(s.next)}</b>, replayed (the toy model picks none).`;
    body.appendChild(el("p", "result")).innerHTML = next;
  }

  // ----- the block picker: the online softmax ------------------------------------------------------------------
  const blocks = runs.blocks;
  const FIELD = blocks ? Object.fromEntries(blocks.fields.map((f, k) => [f, k])) : {};
  // The toy's block states follow its mask, scaled as FlashAttention's are; a model's are its request's head.
  function blockState() {
    const names = Object.keys(blocks.states);
    return meta.model ? names[0] : ui.state.replace(/scale-off$/, "scale-on");
  }
  function blockControls() {
    if (!blocks) return;
    $("blocks").hidden = false;
    const box = $("blocks-controls");
    const options = (values, name) => values.map((v) => `<option value="${v}">${name(v)}</option>`).join("");
    box.innerHTML = `<label>Query row <select id="block-row">${options(blocks.rows, (i) => `${i + 1}: ${esc(meta.labels[i])}`)}</select></label>`
      + `<label>Block size <select id="block-size">${options(blocks.blocks, (b) => `${b} key${b > 1 ? "s" : ""}`)}</select></label>`;
    pick.row = blocks.rows[blocks.rows.length - 1]; // the last row: under a causal mask it sees every key
    pick.block = blocks.blocks[Math.min(1, blocks.blocks.length - 1)];
    $("block-row").value = String(pick.row);
    $("block-size").value = String(pick.block);
    $("block-row").addEventListener("change", () => { pick.row = Number($("block-row").value); drawBlocks(); });
    $("block-size").addEventListener("change", () => { pick.block = Number($("block-size").value); drawBlocks(); });
  }

  function drawBlocks() {
    if (!blocks) return;
    const name = blockState();
    const row = blocks.states[name][String(pick.row)];
    const run = row.runs[String(pick.block)];
    const x = split(row.x);
    const cols = blocks.cols.map((c) => (c === null ? "\u22ef" : `o<sub>${c + 1}</sub>`));
    const masked = name.startsWith("mask-on") ? "causal mask on" : "causal mask off";
    const what = meta.model
      ? `${meta.model}, layer ${meta.layer}, head ${meta.head} (the page's own head)`
      : `the toy model, ${masked}, scores scaled by 1/\u221ad\u2096 as FlashAttention's are`;
    $("blocks-caption").textContent = `One query row's scores arrive ${pick.block} key${pick.block > 1 ? "s" : ""} at a time, and only a running maximum m, a running sum \u2113 and a running output o are kept: when m grows, \u2113 and o so far are multiplied by e^(m_old \u2212 m_new). The last state, divided by \u2113, is the ordinary softmax row and output row. Shown: ${what}.`;
    const body = $("blocks-body");
    body.replaceChildren();
    body.dataset.row = pick.row;
    body.dataset.block = pick.block;
    const count = run.states.length;
    $("blocks-status").textContent = `Query row ${pick.row + 1} (${meta.labels[pick.row]}), blocks of ${pick.block} key${pick.block > 1 ? "s" : ""}: ${count} block${count > 1 ? "s" : ""}, a running state after each.`;
    const th = `<th scope="col">block</th><th scope="col">keys</th><th scope="col">x (scores)</th><th scope="col">m</th><th scope="col">m<sub>old</sub>\u2212m<sub>new</sub></th><th scope="col">e<sup>m<sub>old</sub>\u2212m<sub>new</sub></sup></th><th scope="col">e<sup>x\u2212m</sup></th><th scope="col">\u2211</th><th scope="col">\u2113</th>`
      + cols.map((c) => `<th scope="col">${c}</th>`).join("");
    let start = 0;
    const lines = run.states.map((s, k) => {
      const stop = s[FIELD.stop];
      const keys = meta.labels.slice(start, stop).map(esc).join(" ");
      const cells = [
        `<th scope="row" data-label="block">${k + 1}</th>`,
        `<td class="keys" data-label="keys">${start + 1}\u2013${stop}: ${keys}</td>`,
        `<td data-label="x (scores)">${x.slice(start, stop).join(" ")}</td>`,
        `<td data-part="m" data-label="m">${s[FIELD.m]}</td>`,
        `<td data-label="m_old \u2212 m_new">${s[FIELD.shift] === null ? "" : s[FIELD.shift]}</td>`,
        `<td data-part="r" data-label="e^(m_old \u2212 m_new)">${s[FIELD.r] === null ? (k ? "1 (m kept)" : "\u2014") : s[FIELD.r]}</td>`,
        `<td data-label="e^(x \u2212 m)">${s[FIELD.e]}</td>`,
        `<td data-label="\u2211">${s[FIELD.sum]}</td>`,
        `<td data-part="l" data-label="\u2113">${s[FIELD.l]}</td>`,
        ...split(s[FIELD.o]).map((o, j) => `<td data-part="o" data-label="${cols[j] === "\u22ef" ? "\u22ef" : `o${blocks.cols[j] + 1}`}">${o}</td>`),
      ];
      start = stop;
      return `<tr${s[FIELD.r] !== null ? ' class="grew"' : ""}>${cells.join("")}</tr>`;
    });
    body.insertAdjacentHTML("beforeend", `<div class="terms"><table class="blocks" aria-label="The running state after each block"><thead><tr>${th}</tr></thead><tbody>${lines.join("")}</tbody></table></div>`);
    body.insertAdjacentHTML("beforeend", `<p class="worked-note">o is the running output \u2211 e<sup>x\u2212m</sup> v, not yet divided by \u2113; a highlighted block raised the maximum.</p>` + rescaleNote(run));
    const last = run.states[run.states.length - 1];
    const w = run.weights === null ? row.A : run.weights;
    const out = run.output === null ? row.R : run.output;
    const tokens = meta.labels.map(esc);
    const line = (name, values) => `<tr><th scope="row">${name}</th>${split(values).map((v) => `<td>${v}</td>`).join("")}</tr>`;
    body.insertAdjacentHTML("beforeend", `<h3>The last state (m = ${last[FIELD.m]}, \u2113 = ${last[FIELD.l]}) against the ordinary softmax</h3>`
      + `<div class="terms"><table class="final" aria-label="The online weights and the softmax row"><thead><tr><td></td>${tokens.map((t) => `<th scope="col">${t}</th>`).join("")}</tr></thead><tbody>`
      + line("e<sup>x\u2212m</sup>/\u2113, online", w) + line(`softmax row ${pick.row + 1} of A`, row.A) + `</tbody></table></div>`
      + `<div class="terms"><table class="final" aria-label="The online output and the row of R"><thead><tr><td></td>${cols.map((c) => `<th scope="col">${c}</th>`).join("")}</tr></thead><tbody>`
      + line("o/\u2113, online", out) + line(`row ${pick.row + 1} of R = AV`, row.R) + `</tbody></table></div>`
      + `<p class="worked-note">Largest difference from the ordinary softmax: <span data-part="dA">${run.dA}</span> in the weights, <span data-part="dR">${run.dR}</span> in the output (${run.dA === "0" && run.dR === "0" ? "equal to the last bit" : "float64 rounding: the blocks add their terms in another order"}).</p>`);
  }

  // The rescaling worked out once: at the first block that raises the maximum after the first block.
  function rescaleNote(run) {
    const k = run.states.findIndex((s) => s[FIELD.shift] !== null);
    if (k < 0) return `<p class="worked-note">The first block holds the row's maximum: m never grows after it, so nothing is ever rescaled (e<sup>0</sup> = 1). Pick a smaller block or another row to see a rescale.</p>`;
    const s = run.states[k], before = run.states[k - 1];
    return `<p class="worked-formula rescale">Block ${k + 1} raises the maximum from ${before[FIELD.m]} to ${s[FIELD.m]}: \u2113 and o so far are multiplied by e<sup>m<sub>old</sub>\u2212m<sub>new</sub></sup> = e<sup>${s[FIELD.shift]}</sup> = <b data-part="rescale">${s[FIELD.r]}</b>, then the block's own e<sup>x\u2212m</sup> are added: \u2113 = ${before[FIELD.l]} \u00d7 ${s[FIELD.r]} + ${s[FIELD.sum]} = ${s[FIELD.l]}.</p>`;
  }

  decodeControls();
  blockControls();
  return {
    draw() { // after the grids: a new theme or (the toy's) a new mask
      drawStep();
      drawBlocks();
    },
  };
}
