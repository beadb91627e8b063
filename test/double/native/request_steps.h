// What each asynchronous call delivers when it completes, in the order WINHTTP_STATUS_CALLBACK's reference lists
// them: progress notifications first, then the one completion (or REQUEST_ERROR with the call's API_* value).
// Runs on the request's strand (request_flow.h).
#pragma once
#include "handle.h"

namespace contract_double {

void RunStep(Handle& handle, Step step);

}  // namespace contract_double
