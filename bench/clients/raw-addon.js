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

function open(port) {
  const binding = getBinding();
  const session = new binding.Session('winhttp-bench', ACCESS_TYPE_NO_PROXY, null, null);
  const connection = new binding.Connection(session, '127.0.0.1', port);

  function get(path) {
    return new Promise((resolve, reject) => {
      const req = new binding.Request(connection, 'GET', path, ESCAPE_DISABLE, (status, value, api, error, _flags, head) => {
        if (status === HEADERS_AVAILABLE && head !== undefined && head[1]) {
          req.close();
          resolve({ status: Number.parseInt(head[0], 10), bytes: value.length, chunks: 1, held: -1 });
        } else if (status === HEADERS_AVAILABLE || status === REQUEST_ERROR) {
          req.close();
          reject(new Error(status === REQUEST_ERROR ? `WinHTTP error ${error}` : 'the body did not come whole with the head'));
        }
      });
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
