// Errors the library hands to callers have their stacks formatted at once: V8 formats a stack lazily and until then
// keeps its frames' receivers (a Request, and through it its native state) alive for as long as the caller keeps
// the error. Used on error paths only.
export function formatted<E extends Error>(error: E): E {
  void error.stack;
  return error;
}
