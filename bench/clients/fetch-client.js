// The get/upload shape of every fetch-style benchmark client (fetch.js, fetch-dispatcher.js, node-fetch.js): a
// response body consumed with for await as a user would, and uploads as a ReadableStream of the given chunk with
// Content-Length, so each chunk is one write.
'use strict';

/** get/upload through `fetchFn`; `rest` adds the client's own liveRequests, crossings and close. */
function fetchClient(port, fetchFn, rest) {
  const origin = `http://127.0.0.1:${port}`;

  async function exchange(path, init) {
    const res = await fetchFn(origin + path, init);
    let bytes = 0;
    let chunks = 0;
    for await (const c of res.body) {
      bytes += c.length;
      chunks += 1;
    }
    return { status: res.status, bytes, chunks, held: Number(res.headers.get('x-held') ?? -1) };
  }

  function upload(total, chunk) {
    let offset = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (offset >= total) return controller.close();
        const piece = total - offset >= chunk.length ? chunk : chunk.subarray(0, total - offset);
        offset += piece.length;
        controller.enqueue(piece);
      },
    });
    return exchange('/upload', { method: 'POST', body, duplex: 'half', headers: { 'content-length': String(total) } });
  }

  return { get: (path) => exchange(path, undefined), upload, ...rest };
}

module.exports = { fetchClient };
