import { svg } from 'lit';

/**
 * The few pictograms the UI uses, as inline SVG: factory PCs often have no emoji font, and a
 * missing glyph would show as an empty box. All are decorative (aria-hidden); text says the same.
 */
const icon = (body: ReturnType<typeof svg>) => svg`<svg class="icon" viewBox="0 0 24 24" width="1.1em" height="1.1em"
  aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"
  stroke-linejoin="round" style="vertical-align:-0.15em">${body}</svg>`;

export const folderIcon = icon(svg`<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>`);
export const fileIcon = icon(svg`<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/>`);
export const plusIcon = icon(svg`<path d="M12 5v14M5 12h14"/>`);
export const flaskIcon = icon(svg`<path d="M9 3h6M10 3v6l-5 9a2 2 0 0 0 1.8 3h10.4a2 2 0 0 0 1.8-3l-5-9V3"/><path d="M7.5 15h9"/>`);
export const playIcon = icon(svg`<path d="M7 5l12 7-12 7z" fill="currentColor"/>`);
