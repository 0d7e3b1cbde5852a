/** The widget's look, adopted by its shadow root: nothing leaks into the page, nothing of the page leaks in. */
export const WIDGET_CSS = `
:host { all: initial; }
.fw-tab { position: fixed; right: 16px; bottom: 16px; z-index: 2147483646; padding: 8px 12px; border-radius: 16px;
  border: 0; background: #36c; color: #fff; font: 14px system-ui, sans-serif; cursor: pointer; }
.fw-panel { position: fixed; right: 16px; bottom: 56px; z-index: 2147483647; background: #fff; color: #222;
  border: 1px solid #ccc; border-radius: 8px; padding: 12px; width: 300px; font: 14px system-ui, sans-serif;
  box-shadow: 0 4px 16px rgba(0, 0, 0, .15); display: flex; flex-direction: column; gap: 8px; }
.fw-panel button { font: inherit; cursor: pointer; border: 1px solid #ccc; border-radius: 6px; background: #f6f6f6;
  padding: 4px 8px; }
.fw-panel button.fw-chosen { outline: 2px solid #36c; }
.fw-panel textarea, .fw-panel input { font: inherit; padding: 4px; border: 1px solid #ccc; border-radius: 4px; }
.fw-close { align-self: flex-end; border: 0 !important; background: none !important; font-size: 18px !important; }
.fw-scale, .fw-ratings { display: flex; flex-wrap: wrap; gap: 4px; }
.fw-question, .fw-title { font-weight: 600; }
.fw-status { color: #555; }
`;
