// Probe-only client "raw-addon" (clients/probe.js, not the bench's scenarios): small GETs through the addon with none
// of the library's JavaScript: per request one native Request (no options set), one exchange() that brings the head
// and the whole 200-byte body, close(), one promise. What it reaches against the reference is what the addon, Node-API
// and the thread-safe function cost; the gap between it and `lowlevel`/`request` is the library's JavaScript.
'use strict';
const crossings = require('./crossings').countCrossings();
const { getBinding } = require('../../dist/lib/native/binding');

const HEADERS_AVAILABLE = 0x20000;
const REQUEST_ERROR = 0x200000;
const ESCAPE_DISABLE = 0x40 | 0x80;  // WINHTTP_FLAG_ESCAPE_DISABLE | WINHTTP_FLAG_ESCAPE_DISABLE_QUERY
const ACCESS_TYPE_NO_PROXY = 1;
const { parseRawHeaders } = require('../../dist/lib/core/headers');
const TAX = Number(process.env.TAX || 0);
const RAW = 'HTTP/1.1 200 OK\r\nContent-Length: 200\r\nContent-Type: application/octet-stream\r\nDate: Tue, 01 Dec 2026 03:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n';
let sink = 0;
const PAIRS = [30000,60000,30000,30000,7,90000,77,2,88,0,63,1,91,65536,92,1048576,133,0];

function open(port) {
  const binding = getBinding();
  const session = new binding.Session('winhttp-bench', ACCESS_TYPE_NO_PROXY, null, null);
  const connection = new binding.Connection(session, '127.0.0.1', port);

  function get(path) {
    return new Promise((resolve, reject) => {
      const req = new binding.Request(connection, 'GET', path, ESCAPE_DISABLE, (status, value, api, error, _flags, head) => {
        if (status === HEADERS_AVAILABLE && head !== undefined && head[1]) {
          req.close();
          for (let i = 0; i < TAX; i++) sink += parseRawHeaders(RAW).rawHeaders.length;
          resolve({ status: Number.parseInt(head[0], 10), bytes: value.length, chunks: 1, held: -1 });
        } else if (status === HEADERS_AVAILABLE || status === REQUEST_ERROR) {
          req.close();
          reject(new Error(status === REQUEST_ERROR ? `WinHTTP error ${error}` : 'the body did not come whole with the head'));
        }
      }, PAIRS);
      req.exchange(0, undefined, '', 64 * 1024);
    });
  }

  return {
    get,
    liveRequests: () => 0,
    crossings: () => crossings.calls + crossings.callbacks,
    close: () => {
      connection.close();
      session.close();
    },
  };
}

module.exports = { open };
