// The one include for Windows and WinHTTP declarations. The contract double (Linux build) substitutes its own
// header of the same name, so no other file includes <windows.h> or <winhttp.h> directly.
#pragma once
#include <windows.h>
#include <winhttp.h>
