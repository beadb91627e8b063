// Turns a test's script, a plain JavaScript object, into the double's Script (script.h), rejecting unknown keys and
// wrong types with a TypeError so a typo cannot silently test nothing. The shape:
//   { seed?, completion?: 'pool'|'sync'|'random', cancel?: 'error'|'complete'|'random',
//     closing?: 'pool'|'sync'|'random', delayMs?: [min, max], trace?: boolean, nested?: boolean,
//     routes?: { [path]: Response }, fallback?: Response,
//     failCalls?: [{ api: 'WinHttpOpenRequest', error, skip?, times?, option? }] }
//   Response: { status?, statusText?, version?, headers?: [[name, value], ...], body?: string | (string|Uint8Array)[],
//     readLimit?, redirects?: [{ status?, location }], interim?: number[], secureFailure?, clientCertNeeded?,
//     resends?, neverAnswers?, keepAlive?, address?,
//     faults?: [{ step: 'send'|'write'|'receive'|'query'|'read', error, call? }], stalls?: step names[],
//     holds?: step names[] }
// A body gets a Content-Length header unless the headers give Content-Length or Transfer-Encoding. JS thread only.
#pragma once
#include <napi.h>
#include "script.h"

namespace contract_double {

Script ScriptFromJs(const Napi::Object& object);

}  // namespace contract_double
