// TextView renders an article's text as paragraphs with highlight pieces, and maps between DOM
// positions and UTF-16 offsets into the text.
//
// Every character of the text lives in exactly one DOM text node under the root, in order: the
// blank lines between paragraphs sit in a hidden span at the end of each paragraph, and labels
// and glyphs come from CSS generated content. So the text of the pieces that carry an annotation's
// id is exactly the annotated passage, and a Range's boundary maps to one offset.

import { paragraphs, splitIntoPieces, spansByParagraph, signature, lastAtOrBelow } from './pieces.js';

export class TextView {
  // decorate(span, piece, indexInChain, chain) returns the element wrapping a piece for a span.
  constructor(root, text, { decorate }) {
    this.root = root;
    this.text = text;
    this.decorate = decorate;
    this.paras = paragraphs(text);
    this.paraStarts = this.paras.map((p) => p.start);
    this.paraEls = [];
    this.sigs = [];
    this.nodes = []; // per paragraph: [{node, start}] in order
    this.startOf = new WeakMap(); // text node → its UTF-16 offset
    const frag = document.createDocumentFragment();
    for (let i = 0; i < this.paras.length; i++) {
      const p = document.createElement('p');
      p.className = 'para';
      this.paraEls.push(p);
      this.sigs.push(null);
      this.nodes.push([]);
      frag.append(p);
    }
    root.replaceChildren(frag);
  }

  // render shows the given spans ({key, start, end, layer, look} in UTF-16), rebuilding only
  // the paragraphs whose spans changed.
  render(spans) {
    const byPara = spansByParagraph(this.paras, spans);
    for (let i = 0; i < this.paras.length; i++) {
      const sig = signature(byPara[i]);
      if (sig === this.sigs[i]) continue;
      this.sigs[i] = sig;
      this.renderParagraph(i, byPara[i]);
    }
  }

  renderParagraph(i, spans) {
    const para = this.paras[i];
    const body = document.createDocumentFragment();
    const sep = document.createElement('span');
    sep.className = 'sep';
    sep.setAttribute('aria-hidden', 'true');
    const nodes = [];
    const pieces = splitIntoPieces(para.start, para.sepEnd, spans, [para.end]);
    for (const piece of pieces) {
      const tn = document.createTextNode(this.text.slice(piece.start, piece.end));
      this.startOf.set(tn, piece.start);
      nodes.push({ node: tn, start: piece.start });
      let el = tn;
      for (let k = piece.spans.length - 1; k >= 0; k--) {
        const wrap = this.decorate(piece.spans[k], piece, k, piece.spans);
        wrap.append(el);
        el = wrap;
      }
      (piece.start >= para.end && para.end < para.sepEnd ? sep : body).append(el);
    }
    if (sep.firstChild) body.append(sep);
    this.paraEls[i].replaceChildren(body);
    this.nodes[i] = nodes;
  }

  // offsetOf maps a DOM boundary point to a UTF-16 offset; points outside the root clamp to its
  // ends, points between elements take the offset of the next character.
  offsetOf(container, offset) {
    if (container.nodeType === Node.TEXT_NODE && this.startOf.has(container)) {
      return this.startOf.get(container) + offset;
    }
    if (!this.root.contains(container)) {
      const pos = this.root.compareDocumentPosition(container);
      return pos & Node.DOCUMENT_POSITION_PRECEDING ? 0 : this.text.length;
    }
    // The character right after the point: the first text node at or after it.
    const walker = document.createTreeWalker(this.root, NodeFilter.SHOW_TEXT);
    let start;
    if (container.nodeType === Node.TEXT_NODE) {
      walker.currentNode = container;
      start = walker.nextNode();
    } else if (offset < container.childNodes.length) {
      const child = container.childNodes[offset];
      if (child.nodeType === Node.TEXT_NODE && this.startOf.has(child)) return this.startOf.get(child);
      walker.currentNode = child;
      start = walker.nextNode();
      if (start && !(child.compareDocumentPosition(start) & (Node.DOCUMENT_POSITION_CONTAINED_BY | Node.DOCUMENT_POSITION_FOLLOWING))) start = null;
    } else {
      // After the last child: the first text node past the container.
      let n = container;
      while (n && n !== this.root && !n.nextSibling) n = n.parentNode;
      if (!n || n === this.root) return this.text.length;
      walker.currentNode = n.nextSibling;
      start = n.nextSibling.nodeType === Node.TEXT_NODE ? n.nextSibling : walker.nextNode();
    }
    return start && this.startOf.has(start) ? this.startOf.get(start) : this.text.length;
  }

  // rangeOffsets maps a DOM Range to [start, end) UTF-16 offsets, or null if it misses the text.
  rangeOffsets(range) {
    if (!range || range.collapsed) return null;
    if (!range.intersectsNode(this.root)) return null;
    const start = this.offsetOf(range.startContainer, range.startOffset);
    const end = this.offsetOf(range.endContainer, range.endOffset);
    return end > start ? { start, end } : null;
  }

  // point maps a UTF-16 offset to a DOM boundary point (text node, offset).
  point(offset) {
    const i = lastAtOrBelow(this.paraStarts, offset);
    let nodes = this.nodes[i];
    if (nodes.length === 0 || offset >= this.paras[i].sepEnd) {
      // The end of the text, or an empty paragraph: the end of the last text node before it.
      for (let k = i; k >= 0; k--) {
        if (this.nodes[k].length) {
          nodes = this.nodes[k];
          const last = nodes[nodes.length - 1];
          return { node: last.node, offset: last.node.data.length };
        }
      }
      return { node: this.root, offset: 0 };
    }
    let lo = 0;
    let hi = nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (nodes[mid].start <= offset) lo = mid; else hi = mid - 1;
    }
    const n = nodes[lo];
    return { node: n.node, offset: Math.min(offset - n.start, n.node.data.length) };
  }

  // select puts the DOM selection on [start, end).
  select(start, end) {
    const a = this.point(start);
    const b = this.point(end);
    const sel = document.getSelection();
    sel.setBaseAndExtent(a.node, a.offset, b.node, b.offset);
  }

  // paragraphOf returns the paragraph element holding an offset, for scrolling.
  paragraphOf(offset) { return this.paraEls[lastAtOrBelow(this.paraStarts, offset)]; }
}
