// The WebSocket benchmark's server: the `ws` package in Linux node on 127.0.0.1, TCP_NODELAY, echoing every message
// as it came (text as text, binary as binary). start() is used by bench/websocket.js.
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

function start() {
  const server = http.createServer();
  server.on('connection', (socket) => socket.setNoDelay(true));
  new WebSocketServer({ server }).on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: server.address().port,
    close: () => new Promise((done) => server.close(done)),
  })));
}

module.exports = { start };
