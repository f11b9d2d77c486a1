/** rift-trace and rift-filter as a library: the text renderer, summary, timeline and filter. */
export { TextRenderer, type TextOptions } from './text.js';
export { Summary, SORT_KEYS, type SortKey, type SummaryRow } from './summary.js';
export { ChromeWriter } from './chrome.js';
export { FdTracker } from './fds.js';
export { eventFilter, parseDuration, type FilterOptions } from './filter.js';
export { paintFor } from './paint.js';
