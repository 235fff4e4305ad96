// A list that holds in the page only the rows in view. A fleet's list is a thousand deliveries or more, a screen shows
// ten, and the browser placed every item a list holds each time one of them changed: with 1,800 items that layout was a
// quarter of the console's main thread. Here the list keeps the order of all its rows (the deliveries the filters show)
// and puts in the page the items in view and a few screens either side, with padding standing in for the rest, so the
// scroll bar is the whole list's; aria-setsize and aria-posinset tell screen readers the same. Every row has the same
// height (styles.css), which is what lets a row's place be computed instead of measured.

// Rows kept in the page above and below those in view: the keyboard's Tab and a quick scroll find items already there.
export const OVERSCAN_ROWS = 20;
// The row height until one is measured (the item's CSS height at a 16 px root font).
const ESTIMATED_ROW_PX = 124;

/**
 * The rows [first, end) to hold in the page: those in the viewport and `overscan` either side. listTop is the top of
 * the list's first row relative to the viewport (negative once scrolled past), so a list far below the fold holds none.
 */
export function rowsInView({ listTop, viewportHeight, rowHeight, count, overscan = OVERSCAN_ROWS }) {
  const first = Math.min(count, Math.max(0, Math.floor(-listTop / rowHeight) - overscan));
  const end = Math.min(count, Math.max(first, Math.ceil((viewportHeight - listTop) / rowHeight) + overscan));
  return { first, end };
}

/** The rows [first, end) that hold row `index` and as many as the viewport holds around it. */
export function rowsAround({ index, viewportHeight, rowHeight, count, overscan = OVERSCAN_ROWS }) {
  const half = Math.ceil(viewportHeight / rowHeight / 2) + overscan;
  return { first: Math.max(0, index - half), end: Math.min(count, index + half + 1) };
}

export class ListWindow {
  /**
   * list: the <ul>; itemOf(id): the item of a row (made once, kept while out of the page); onShown(item): called when
   * an item comes (back) into the page, to bring it up to date.
   */
  constructor(list, { itemOf, onShown }) {
    this.list = list;
    this.itemOf = itemOf;
    this.onShown = onShown;
    this.ids = [];
    this.members = new Set();
    this.shown = null;
    this.rows = [];
    this.rowsStale = false;
    this.rowHeight = null;
    this.renderPending = false;
    // Any scroll that moves the list (the panel's, the page's on a phone) fires before the frame that shows it.
    document.addEventListener('scroll', () => this.render(), { capture: true, passive: true });
    window.addEventListener('resize', () => {
      this.rowHeight = null;
      this.render();
    }, { passive: true });
  }

  has(id) {
    return this.members.has(id);
  }

  append(id) {
    this.members.add(id);
    this.ids.push(id);
    this.rowsChanged();
  }

  /** Puts the row first (a delivery that just arrived heads Recent). */
  prepend(id) {
    this.remove(id);
    this.members.add(id);
    this.ids.unshift(id);
    this.rowsChanged();
  }

  remove(id) {
    if (this.members.delete(id)) {
      this.ids.splice(this.ids.indexOf(id), 1);
      this.rowsChanged();
    }
  }

  /** The rows in this order (ids of other lists are ignored; the list's own not named keep their place at the end). */
  order(orderedIds) {
    const ordered = orderedIds.filter((id) => this.members.has(id));
    if (ordered.length !== this.ids.length) {
      const named = new Set(ordered);
      ordered.push(...this.ids.filter((id) => !named.has(id)));
    }
    if (ordered.some((id, index) => id !== this.ids[index])) {
      this.ids = ordered;
      this.rowsChanged();
    }
  }

  /** Shows only the rows whose id is in `shown` (the filters' choice), in the list's order. */
  filter(shown) {
    this.shown = shown;
    this.rowsChanged();
  }

  /**
   * The rows are worked out again, and put in the page, once in the next frame however many changes come before it:
   * the page's first load appends a thousand deliveries one by one.
   */
  rowsChanged() {
    this.rowsStale = true;
    if (!this.renderPending) {
      this.renderPending = true;
      requestAnimationFrame(() => {
        this.renderPending = false;
        // A fleet-feed batch that changed neither order nor filter touches nothing.
        if (this.refreshRows()) {
          this.render();
        }
      });
    }
  }

  /** Brings the rows up to date with the list's order and the filter; whether they changed. */
  refreshRows() {
    if (!this.rowsStale) {
      return false;
    }
    this.rowsStale = false;
    const rows = this.shown ? this.ids.filter((id) => this.shown.has(id)) : [...this.ids];
    if (rows.length === this.rows.length && rows.every((id, index) => id === this.rows[index])) {
      return false;
    }
    this.rows = rows;
    return true;
  }

  /**
   * The row's item in the page, scrolled into view (nearest edge), or null when the list has no such row (a filter
   * hides it).
   */
  reveal(id) {
    this.refreshRows();
    const index = this.rows.indexOf(id);
    if (index < 0) {
      return null;
    }
    this.place(rowsAround({ index, viewportHeight: window.innerHeight, rowHeight: this.rowHeightPx(), count: this.rows.length }));
    const item = this.itemOf(id);
    item.scrollIntoView({ block: 'nearest' });
    return item;
  }

  /** Puts in the page the rows in view (reading where the list is: one layout, of a list of a few dozen items). */
  render() {
    if (!this.list.isConnected) {
      return;
    }
    this.refreshRows();
    const listTop = this.list.getBoundingClientRect().top + this.list.clientTop;
    this.place(rowsInView({ listTop, viewportHeight: window.innerHeight, rowHeight: this.rowHeightPx(), count: this.rows.length }));
  }

  place({ first, end }) {
    const rowHeight = this.rowHeightPx();
    let expected = this.list.firstElementChild;
    for (let index = first; index < end; index++) {
      const item = this.itemOf(this.rows[index]);
      const comingIn = !item.isConnected;
      if (item === expected) {
        expected = expected.nextElementSibling;
      } else {
        this.list.insertBefore(item, expected);
      }
      setAttribute(item, 'aria-posinset', String(index + 1));
      setAttribute(item, 'aria-setsize', String(this.rows.length));
      if (comingIn) {
        this.onShown(item);
      }
    }
    while (expected) {
      const next = expected.nextElementSibling;
      expected.remove();
      expected = next;
    }
    // An empty <ul> says why it is empty (styles.css): not one whose rows are out of view or hidden by the filters
    // ("Showing 0 of 40" says that).
    this.list.classList.toggle('holds-rows', this.ids.length > 0);
    this.list.style.paddingTop = `${first * rowHeight}px`;
    this.list.style.paddingBottom = `${(this.rows.length - end) * rowHeight}px`;
    if (this.rowHeight === null && end > first) {
      // Measured on the first item in the page (the CSS height at the page's font size and media).
      this.rowHeight = this.list.firstElementChild.getBoundingClientRect().height || null;
      if (this.rowHeight !== null && this.rowHeight !== ESTIMATED_ROW_PX) {
        this.render();
      }
    }
  }

  rowHeightPx() {
    return this.rowHeight ?? ESTIMATED_ROW_PX;
  }
}

function setAttribute(element, name, value) {
  if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value);
  }
}
