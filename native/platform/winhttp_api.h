// The one include for Windows, WinHTTP and CryptoAPI declarations. The Linux build against the contract double
// (CMake option WINHTTP_CONTRACT_DOUBLE) takes the double's declarations instead, so no other file includes
// <windows.h> or <winhttp.h> directly.
#pragma once
#ifdef WINHTTP_CONTRACT_DOUBLE
#include "winhttp_double.h"  // test/double/native/, on the include path of the double build only
#else
#include <windows.h>
#include <wincrypt.h>  // certificate contexts (WINHTTP_OPTION_SERVER_CERT_CONTEXT); WIN32_LEAN_AND_MEAN leaves it out
#include <winhttp.h>
#define SECURITY_WIN32
#include <sspi.h>
#include <schannel.h>  // SecPkgContext_IssuerListInfoEx (WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST)
#endif
