// Client certificates of an https request: the issuers a server that asked for one accepts
// (WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST), and going on without one (WINHTTP_NO_CLIENT_CERT_CONTEXT). Plain data;
// lib/tls/ decides. No Node-API here.
#pragma once
#include <string>
#include <vector>
#include "platform/winhttp_api.h"

// After WinHttpSendRequest failed with ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: the distinguished names (DER) of the
// certificate authorities the server accepts. False with the WinHTTP error in *error. Any thread.
bool ReadClientCertIssuers(HINTERNET request, std::vector<std::string>* issuers, DWORD* error);

// Tells WinHTTP to answer the server's certificate request with no certificate, so the request can be sent again
// (WinHttpSendRequest reference, ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED). False with GetLastError() set. Any thread.
bool UseNoClientCertificate(HINTERNET request);
