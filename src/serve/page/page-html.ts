/**
 * The page: static HTML (no inline script; the Content-Security-Policy allows only this origin's
 * scripts, plus wasm compilation for onnxruntime-web). client/ui.ts fills it in.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0 auto; padding: 12px; max-width: 900px; line-height: 1.4; }
  h1 { font-size: 1.3rem; margin: 0 0 4px; }
  .muted { opacity: .7; font-size: .9rem; }
  fieldset { border: 1px solid #8884; border-radius: 8px; margin: 10px 0; display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
  button { font-size: 1.05rem; padding: 8px 18px; border-radius: 8px; }
  progress { width: 100%; height: 14px; }
  #message:empty { display: none; }
  #message { padding: 8px 10px; border-radius: 8px; margin: 8px 0; background: #fb03; }
  #message.error { background: #f443; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: .9rem; }
  th, td { padding: 4px 6px; border-bottom: 1px solid #8884; text-align: right; }
  th:first-child, td:first-child, th:last-child, td:last-child { text-align: left; }
  td details div { font-size: .8rem; }
  td.bad { color: #c33; text-align: left; }
  pre { white-space: pre-wrap; word-break: break-all; font-size: .8rem; }
`;

export function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>edgebench — browser benchmark</title>
<style>${STYLE}</style>
</head>
<body data-state="loading">
<h1>edgebench</h1>
<div id="model" class="muted">loading…</div>
<fieldset id="controls">
  <label>backend <select id="ep"><option value="auto">auto (WebGPU if available)</option><option value="webgpu">WebGPU</option><option value="wasm">wasm (CPU)</option></select></label>
  <label>wasm threads <input id="threads" type="number" min="1" max="64" placeholder="default" size="6"></label>
  <label><input id="force" type="checkbox"> try anyway if memory looks short</label>
  <button id="start" disabled>Start</button>
  <button id="stop" disabled>Stop</button>
</fieldset>
<div id="status" class="muted">waiting for Start</div>
<progress id="bar" max="1" value="0"></progress>
<div id="message" role="alert"></div>
<table id="results">
  <thead><tr><th>shape</th><th>backend</th><th>n</th><th>TTFT ms</th><th>TPOT ms</th><th>decode tok/s</th><th>prefill tok/s</th><th>e2e ms</th><th>status</th></tr></thead>
  <tbody></tbody>
</table>
<p class="muted">Medians of the measured requests (nearest-rank; TTFT = first token − submit, TPOT = (e2e − TTFT)/(N − 1), prefill tok/s includes one decode step). Results are saved by the edgebench process that served this page.</p>
<details id="env-box"><summary>this device</summary><pre id="env"></pre></details>
<script type="module" src="app.js"></script>
</body>
</html>
`;
}
