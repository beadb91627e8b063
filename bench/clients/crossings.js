// Counts the JS <-> native crossings of the library's clients, the figure that explains their cost under Wine:
// calls (a native Request method called from JavaScript: the constructor, send, read, queryHeaders, ..., and crackUrl) and
// callbacks (a WinHTTP notification delivered to JavaScript through the thread-safe function). This file is the
// addon as lib/ sees it: countCrossings() points WINHTTP_NATIVE_PATH (lib/native/binding.ts, the one seam for
// another build) here before the library loads its binding, and this file loads the real prebuilt addon and wraps
// its Request. The wrappers add an increment and a JS function call per crossing: nanoseconds, where a crossing
// under Wine costs microseconds.
'use strict';
const path = require('node:path');

// byName: the same calls and callbacks per native method ("new Request", "exchange", ...) and per status.
// nanosByName: the wall time spent inside each native method, timed around the call, and inside the JavaScript
// handler of each notification (without the promise reactions it queues) (context for the counts: it moves with the
// machine's load, as a CPU profile's share does, but is not sampled).
const counts = { calls: 0, callbacks: 0, byName: {}, nanosByName: {} };
const countName = (name) => {
  counts.byName[name] = (counts.byName[name] ?? 0) + 1;
};

function timed(name, call) {
  const start = process.hrtime.bigint();
  try {
    return call();
  } finally {
    counts.nanosByName[name] = (counts.nanosByName[name] ?? 0) + Number(process.hrtime.bigint() - start);
  }
}

function wrappedBinding() {
  const real = require('node-gyp-build')(path.join(__dirname, '..', '..'));
  const NativeRequest = real.Request;
  // The class's prototype methods are read-only (napi_default): each instance gets a prototype of counting ones.
  const countingPrototype = Object.create(NativeRequest.prototype);
  for (const name of Object.getOwnPropertyNames(NativeRequest.prototype)) {
    const method = NativeRequest.prototype[name];
    if (name === 'constructor' || typeof method !== 'function') continue;
    Object.defineProperty(countingPrototype, name, {
      value: function countedCall(...args) {
        counts.calls += 1;
        countName(name);
        return timed(name, () => method.apply(this, args));
      },
    });
  }
  function CountedRequest(connection, method, requestPath, flags, onStatus, ...rest) {
    counts.calls += 1;
    countName('new Request');
    const request = timed('new Request', () => new NativeRequest(connection, method, requestPath, flags, (...args) => {
      counts.callbacks += 1;
      const name = `status 0x${args[0].toString(16)}`;
      countName(name);
      timed(name, () => onStatus(...args));
    }, ...rest));
    return Object.setPrototypeOf(request, countingPrototype);
  }
  // The addon's exports are not enumerable: copy them by name.
  const binding = Object.fromEntries(Object.getOwnPropertyNames(real).map((name) => [name, real[name]]));
  // request() cracks each URL (WinHttpCrackUrl): a call from JavaScript like the Request methods.
  const crackUrl = (...args) => {
    counts.calls += 1;
    countName('crackUrl');
    return timed('crackUrl', () => real.crackUrl(...args));
  };
  return { ...binding, crackUrl, Request: CountedRequest };
}

/** Call before the library's first request; returns the live counts. */
function countCrossings() {
  // bench/clients/probe.js profiles the real binding: the wrappers would take the native calls' time as their own.
  if (process.env.WINHTTP_BENCH_UNCOUNTED === '1') return counts;
  process.env.WINHTTP_NATIVE_PATH = __filename;
  return counts;
}

module.exports = { ...wrappedBinding(), countCrossings };
