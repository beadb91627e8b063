// Stacks for errors that arrive in a WinHTTP callback. Such an error is made in the callback, whose frames say nothing
// about the caller; when it reaches the step the caller awaits, it is given the stack of that moment instead, whose
// async frames are the callers' own (V8's async stack traces: "at async Request.send", "at async main (app.js:21:7)").
// Recording the caller's frames as each step started (the way before) cost ~25 µs of the JS thread per step under
// Wine, paid by every request; this is paid by a failure only.
import { formatted } from './formatted';

const madeInCallbacks = new WeakSet<Error>();

/** Marks `error`, made in a WinHTTP callback, for withCallerFrames(). */
export function madeInCallback<E extends Error>(error: E): E {
  madeInCallbacks.add(error);
  return error;
}

/** `step`'s outcome; an error it fails with that was made in a callback gets the awaiting callers' frames. */
export async function withCallerFrames<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    if (error instanceof Error && madeInCallbacks.delete(error)) {
      Error.captureStackTrace(error, withCallerFrames);
      formatted(error);
    }
    throw error;
  }
}
