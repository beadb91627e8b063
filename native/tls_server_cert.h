// The server certificate of an https request, as WinHTTP verified it: WINHTTP_OPTION_SERVER_CERT_CONTEXT, copied out
// as DER bytes. Plain data; lib/tls/ parses and judges it. No Node-API here.
#pragma once
#include <string>
#include <vector>
#include "platform/winhttp_api.h"

// The server's certificate first, then the other certificates of its context's store (those the server sent in the
// handshake), each as DER. False, with the WinHTTP error in *error, when WinHTTP has none for this request (before
// the handshake, or on http). JS thread (any thread would do: it only queries and copies).
bool ReadServerCertificates(HINTERNET request, std::vector<std::string>* certificates, DWORD* error);
