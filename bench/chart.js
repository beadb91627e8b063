// Draws bench/results/latest.svg from the result rows: for each higher-is-better figure (throughput, requests per
// second) one group of horizontal bars, one bar per client, its length the ratio to the reference client (the
// solid line at 1.0). Dashed lines mark the targets, 0.95 (throughput) and 0.90 (requests per second).
// Plain hand-written SVG, no dependencies.
'use strict';

const FIGURES = [
  ['get-512MiB', 'throughput', '512 MiB GET, MB/s'],
  ['small-c1', 'rps', 'small, c=1, req/s'],
  ['small-c16', 'rps', 'small, c=16, req/s'],
  ['small-c256', 'rps', 'small, c=256, req/s'],
  ['sequential-10k', 'rps', '10k sequential, req/s'],
  ['upload-256MiB', 'throughput', '256 MiB upload, MB/s'],
];
const COLORS = { 'reference-query': '#2ca02c', lowlevel: '#1f77b4', request: '#ff7f0e', 'node-fetch': '#7f7f7f', 'node-http': '#bcbd22' };
const LEFT = 170;
const WIDTH = 560;
const BAR = 14;
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');

function renderSvg(rows, clients) {
  const shown = clients.filter((c) => c !== 'reference');
  const has = (scenario, metric) => rows.some((r) => r.scenario === scenario && r.metric === metric);
  const figures = FIGURES.filter(([scenario, metric]) => has(scenario, metric));
  const ratio = (scenario, metric, client) =>
    rows.find((r) => r.scenario === scenario && r.metric === metric && r.client === client)?.ratio_to_reference ?? null;
  const max = Math.max(1.2, ...figures.flatMap(([s, m]) => shown.map((c) => ratio(s, m, c) ?? 0)));
  const x = (value) => LEFT + (value / max) * WIDTH;
  const groupHeight = shown.length * (BAR + 2) + 14;
  const top = 40;
  const height = top + figures.length * groupHeight + 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LEFT + WIDTH + 150}" height="${height}" ` +
      'font-family="sans-serif" font-size="11">',
    '<text x="10" y="18" font-size="13" font-weight="bold">Ratio to the reference client (raw WinHTTP); ' +
      'higher is better</text>',
  ];
  figures.forEach(([scenario, metric, label], g) => {
    const y0 = top + g * groupHeight;
    parts.push(`<text x="10" y="${y0 + groupHeight / 2}">${escape(label)}</text>`);
    shown.forEach((client, i) => {
      const value = ratio(scenario, metric, client);
      const y = y0 + i * (BAR + 2);
      if (value === null) return;
      const width = (x(value) - LEFT).toFixed(1);
      parts.push(`<rect x="${LEFT}" y="${y}" width="${width}" height="${BAR}" fill="${COLORS[client] ?? '#999'}"/>`);
      parts.push(`<text x="${(x(value) + 4).toFixed(1)}" y="${y + BAR - 3}">${value.toFixed(2)}</text>`);
    });
  });
  const bottom = top + figures.length * groupHeight;
  parts.push(`<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${bottom}" stroke="black"/>`);
  for (const target of [0.95, 0.9]) {
    const dashed = 'stroke="red" stroke-dasharray="3,3"';
    parts.push(`<line x1="${x(target)}" y1="${top - 6}" x2="${x(target)}" y2="${bottom}" ${dashed}/>`);
  }
  parts.push(`<text x="${x(1) - 8}" y="${bottom + 14}">1.0</text>`);
  shown.forEach((client, i) => {
    const y = top + i * 16;
    parts.push(`<rect x="${LEFT + WIDTH + 20}" y="${y}" width="12" height="12" fill="${COLORS[client] ?? '#999'}"/>`);
    parts.push(`<text x="${LEFT + WIDTH + 36}" y="${y + 10}">${escape(client)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

module.exports = { renderSvg };
