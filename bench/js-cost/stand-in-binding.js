// A stand-in for the addon, for js-cost.js: it answers every call of a small GET on a later turn of the event loop
// (all answers due are handed over in one setImmediate, as the thread-safe function hands over a batch), with a fixed
// head and a 200-byte body, and does no I/O. What a client costs over it is the library's JavaScript alone.
'use strict';

const HEADERS_AVAILABLE = 0x20000;
const SENDREQUEST_COMPLETE = 0x400000;
const READ_COMPLETE = 0x80000;
const HANDLE_CLOSING = 0x800;
// As the addon's chained exchange hands the head over: the status code, a line feed, the raw CRLF block.
const HEAD = '200\nHTTP/1.1 200 OK\r\nContent-Length: 200\r\nContent-Type: application/octet-stream\r\n' +
  'Date: Tue, 01 Dec 2026 03:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n';
const BODY = Buffer.alloc(200, 0x78);

let due = [];
function later(answer) {
  if (due.length === 0) setImmediate(handOver);
  due.push(answer);
}
function handOver() {
  const answers = due;
  due = [];
  for (const answer of answers) answer();
}

let live = 0;

class Session {
  setTimeouts() {}
  setOption() {}
  close() {}
}

class Connection {
  close() {}
}

class Request {
  constructor(_connection, _method, _path, _flags, onStatus) {
    this.onStatus = onStatus;
    this.reads = 0;
    live += 1;
  }
  addHeaders() {}
  setTimeouts() {}
  setOption() {}
  setNotifications() {}
  timings() {
    return [-1, -1, -1, -1, -1, -1, -1, -1];
  }
  exchange() {
    later(() => this.onStatus(HEADERS_AVAILABLE, Buffer.from(BODY), 0, 0, 0, [HEAD, true]));
  }
  send() {
    later(() => this.onStatus(SENDREQUEST_COMPLETE, 0, 0, 0, 0));
    later(() => this.onStatus(HEADERS_AVAILABLE, 0, 0, 0, 0, [HEAD, false]));
  }
  read() {
    later(() => this.onStatus(READ_COMPLETE, this.reads++ === 0 ? Buffer.from(BODY) : Buffer.alloc(0), 0, 0, 0));
  }
  close() {
    later(() => {
      live -= 1;
      this.onStatus(HANDLE_CLOSING, 0, 0, 0, 0);
    });
  }
}

function crackUrl(href) {
  const url = new URL(href);
  return { scheme: url.protocol.slice(0, -1), secure: url.protocol === 'https:', host: url.hostname,
    port: Number(url.port || 80), path: url.pathname + url.search, userName: '', password: '', extra: '' };
}

module.exports = { Session, Connection, Request, crackUrl, liveRequests: () => live, formatMessage: () => '' };
