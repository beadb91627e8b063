// Summarizes a V8 .cpuprofile (node --cpu-prof) as shares of the sampled time: self time per function, and total
// (inclusive) time per function, the top N of each. Usage: node bench/profile-summary.js FILE.cpuprofile [N]
'use strict';
const fs = require('node:fs');

const [file, top = '25'] = process.argv.slice(2);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = profile.samples.length;

const label = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '' : ` ${url.replace(/^.*[\\/](lib|dist|bench|node_modules)[\\/]/, '$1/')}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
};

const self = new Map();
const inclusive = new Map();
for (const [id, count] of selfSamples) {
  const name = label(nodes.get(id));
  self.set(name, (self.get(name) ?? 0) + count);
  // Each function on the sample's stack once, however often it recurses.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const frame = label(nodes.get(at));
    if (seen.has(frame)) continue;
    seen.add(frame);
    inclusive.set(frame, (inclusive.get(frame) ?? 0) + count);
  }
}

const show = (title, map) => {
  console.log(`${title} (of ${total} samples)`);
  for (const [name, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${((count / total) * 100).toFixed(1).padStart(6)}%  ${name}`);
  }
};
show('self', self);
show('total', inclusive);
