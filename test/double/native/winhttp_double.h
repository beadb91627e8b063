// The contract double's stand-in for <windows.h> and <winhttp.h> (native/platform/winhttp_api.h includes it when
// WINHTTP_CONTRACT_DOUBLE is defined): the Windows types the shim names, the Win32 and WinHTTP functions it calls,
// with Microsoft's names and signatures, and winhttp.h's constants. The functions are implemented in this folder
// for Linux, behaving as Microsoft's documentation says, scripted per test (double_control.h). wchar_t is 32 bits
// here, so byte counts of wide strings are in units of sizeof(WCHAR), as the shim computes them.
#pragma once
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include "winhttp_constants.h"

#define CALLBACK
#define WINAPI

typedef uint32_t DWORD;
typedef DWORD* LPDWORD;
typedef uintptr_t DWORD_PTR;
typedef int BOOL;
typedef uint16_t WORD;
typedef WORD INTERNET_PORT;
typedef int INTERNET_SCHEME;
typedef void* LPVOID;
typedef const void* LPCVOID;
typedef void* HINTERNET;
typedef void* HMODULE;
typedef void* HLOCAL;
typedef wchar_t WCHAR;
typedef WCHAR* LPWSTR;
typedef const WCHAR* LPCWSTR;

#ifndef TRUE
#define TRUE 1
#define FALSE 0
#endif

// Win32 error codes (winerror.h) that the shim and the double use.
#define ERROR_SUCCESS 0
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_MR_MID_NOT_FOUND 317
#define INFINITE 0xffffffff

// FormatMessageW flags (winbase.h).
#define FORMAT_MESSAGE_ALLOCATE_BUFFER 0x00000100
#define FORMAT_MESSAGE_IGNORE_INSERTS 0x00000200
#define FORMAT_MESSAGE_FROM_STRING 0x00000400
#define FORMAT_MESSAGE_FROM_HMODULE 0x00000800
#define FORMAT_MESSAGE_FROM_SYSTEM 0x00001000

typedef struct {
  DWORD dwStructSize;
  LPWSTR lpszScheme;
  DWORD dwSchemeLength;
  INTERNET_SCHEME nScheme;
  LPWSTR lpszHostName;
  DWORD dwHostNameLength;
  INTERNET_PORT nPort;
  LPWSTR lpszUserName;
  DWORD dwUserNameLength;
  LPWSTR lpszPassword;
  DWORD dwPasswordLength;
  LPWSTR lpszUrlPath;
  DWORD dwUrlPathLength;
  LPWSTR lpszExtraInfo;
  DWORD dwExtraInfoLength;
} URL_COMPONENTS, *LPURL_COMPONENTS;

typedef struct {
  DWORD_PTR dwResult;
  DWORD dwError;
} WINHTTP_ASYNC_RESULT, *LPWINHTTP_ASYNC_RESULT;

typedef void(CALLBACK* WINHTTP_STATUS_CALLBACK)(HINTERNET, DWORD_PTR, DWORD, LPVOID, DWORD);
#define WINHTTP_INVALID_STATUS_CALLBACK ((WINHTTP_STATUS_CALLBACK)(intptr_t)(-1))

// CryptoAPI (wincrypt.h): a certificate context as WINHTTP_OPTION_SERVER_CERT_CONTEXT hands it over (double_tls.cc).
typedef unsigned char BYTE;
typedef void* HCERTSTORE;
typedef struct _CERT_CONTEXT {
  DWORD dwCertEncodingType;
  BYTE* pbCertEncoded;
  DWORD cbCertEncoded;
  void* pCertInfo;
  HCERTSTORE hCertStore;
} CERT_CONTEXT, *PCERT_CONTEXT;
typedef const CERT_CONTEXT* PCCERT_CONTEXT;
#define X509_ASN_ENCODING 0x00000001
#define PKCS_7_ASN_ENCODING 0x00010000
#define CRYPT_E_NOT_FOUND 0x80092004
typedef struct _CRYPTOAPI_BLOB {
  DWORD cbData;
  BYTE* pbData;
} CERT_NAME_BLOB, *PCERT_NAME_BLOB;
// schannel.h: WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST's answer, freed with GlobalFree.
typedef struct _SecPkgContext_IssuerListInfoEx {
  PCERT_NAME_BLOB aIssuers;
  DWORD cIssuers;
} SecPkgContext_IssuerListInfoEx, *PSecPkgContext_IssuerListInfoEx;
typedef void* HGLOBAL;

// WINHTTP_OPTION_REQUEST_TIMES (winhttp.h, Windows 10 1903+): per-request times as performance-counter values.
typedef uint64_t ULONGLONG;
typedef int64_t LONGLONG;
typedef uint32_t ULONG;
typedef union _LARGE_INTEGER {
  LONGLONG QuadPart;
} LARGE_INTEGER;
enum WINHTTP_REQUEST_TIME_ENTRY {
  WinHttpConnectionEstablishmentStart = 7,
  WinHttpConnectionEstablishmentEnd = 8,
  WinHttpTlsHandshakeClientLeg1Start = 9,
  WinHttpTlsHandshakeClientLeg3End = 14,
  WinHttpRequestTimeLast = 36,
  WinHttpRequestTimeMax = 64
};
typedef struct _WINHTTP_REQUEST_TIMES {
  ULONG cTimes;
  ULONGLONG rgullTimes[WinHttpRequestTimeMax];
} WINHTTP_REQUEST_TIMES, *PWINHTTP_REQUEST_TIMES;
BOOL QueryPerformanceCounter(LARGE_INTEGER* count);
BOOL QueryPerformanceFrequency(LARGE_INTEGER* frequency);
HGLOBAL GlobalFree(HGLOBAL memory);
BOOL CertFreeCertificateContext(PCCERT_CONTEXT context);
PCCERT_CONTEXT CertEnumCertificatesInStore(HCERTSTORE store, PCCERT_CONTEXT previous);

// CryptoAPI certificate stores (wincrypt.h) for client certificates: system "MY" stores and PFX import
// (double_cert_store.cc).
typedef const char* LPCSTR;
typedef uintptr_t HCRYPTPROV_LEGACY;
typedef CERT_NAME_BLOB CRYPT_DATA_BLOB;
#define CERT_STORE_PROV_SYSTEM_W (reinterpret_cast<LPCSTR>(static_cast<uintptr_t>(10)))
#define CERT_SYSTEM_STORE_CURRENT_USER 0x00010000
#define CERT_SYSTEM_STORE_LOCAL_MACHINE 0x00020000
#define CERT_STORE_READONLY_FLAG 0x00008000
#define CERT_STORE_OPEN_EXISTING_FLAG 0x00004000
#define CERT_CLOSE_STORE_FORCE_FLAG 0x00000001
#define CERT_FIND_EXISTING 0x000d0000
#define CERT_KEY_PROV_INFO_PROP_ID 2
#define CERT_KEY_CONTEXT_PROP_ID 5
#define CERT_NCRYPT_KEY_HANDLE_PROP_ID 78
#define CRYPT_EXPORTABLE 0x00000001
#define CRYPT_USER_KEYSET 0x00001000
#define PKCS12_NO_PERSIST_KEY 0x00008000
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_INVALID_DATA 13
#define ERROR_INVALID_PASSWORD 86
HCERTSTORE CertOpenStore(LPCSTR provider, DWORD encodingType, HCRYPTPROV_LEGACY cryptProv, DWORD flags, const void* para);
BOOL CertCloseStore(HCERTSTORE store, DWORD flags);
PCCERT_CONTEXT CertFindCertificateInStore(HCERTSTORE store, DWORD encodingType, DWORD findFlags, DWORD findType,
                                          const void* findPara, PCCERT_CONTEXT previous);
PCCERT_CONTEXT CertCreateCertificateContext(DWORD encodingType, const BYTE* encoded, DWORD length);
PCCERT_CONTEXT CertDuplicateCertificateContext(PCCERT_CONTEXT context);
BOOL CertGetCertificateContextProperty(PCCERT_CONTEXT context, DWORD propertyId, void* data, DWORD* length);
HCERTSTORE PFXImportCertStore(CRYPT_DATA_BLOB* pfx, LPCWSTR password, DWORD flags);

// CryptoAPI's chain engine (wincrypt.h), for tls.ca's check (double_chain.cc): memory and collection stores, a chain
// engine with exclusive roots, chain building and the SSL policy. Only the fields the shim reads or fills.
typedef char* LPSTR;
typedef int32_t LONG;
typedef void* HCERTCHAINENGINE;
#define CERT_STORE_PROV_MEMORY (reinterpret_cast<LPCSTR>(static_cast<uintptr_t>(2)))
#define CERT_STORE_PROV_COLLECTION (reinterpret_cast<LPCSTR>(static_cast<uintptr_t>(11)))
#define CERT_STORE_CREATE_NEW_FLAG 0x00002000
#define CERT_STORE_ADD_ALWAYS 4
#define E_INVALIDARG 0x80070057
#define CERT_E_EXPIRED 0x800B0101
#define CERT_E_UNTRUSTEDROOT 0x800B0109
#define CERT_E_CHAINING 0x800B010A
#define CERT_E_REVOKED 0x800B010C
#define CERT_E_CN_NO_MATCH 0x800B010F
#define CERT_E_WRONG_USAGE 0x800B0110
#define CERT_TRUST_IS_NOT_TIME_VALID 0x00000001
#define CERT_TRUST_IS_NOT_TIME_NESTED 0x00000002
#define CERT_TRUST_IS_REVOKED 0x00000004
#define CERT_TRUST_IS_NOT_SIGNATURE_VALID 0x00000008
#define CERT_TRUST_IS_NOT_VALID_FOR_USAGE 0x00000010
#define CERT_TRUST_IS_UNTRUSTED_ROOT 0x00000020
#define CERT_TRUST_REVOCATION_STATUS_UNKNOWN 0x00000040
#define CERT_TRUST_IS_PARTIAL_CHAIN 0x00010000
#define CERT_TRUST_IS_OFFLINE_REVOCATION 0x01000000
#define CERT_CHAIN_POLICY_SSL (reinterpret_cast<LPCSTR>(static_cast<uintptr_t>(4)))
#define CERT_CHAIN_POLICY_ALLOW_UNKNOWN_CA_FLAG 0x00000010
#define CERT_CHAIN_POLICY_IGNORE_ALL_NOT_TIME_VALID_FLAGS 0x00000007
#define CERT_CHAIN_POLICY_IGNORE_WRONG_USAGE_FLAG 0x00000020
#define CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS 0x00000F00
#define AUTHTYPE_SERVER 2
#define CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT 0x40000000
#define USAGE_MATCH_TYPE_AND 0
#define szOID_PKIX_KP_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
typedef struct _CERT_CHAIN_ENGINE_CONFIG {
  DWORD cbSize;
  HCERTSTORE hRestrictedRoot;
  HCERTSTORE hRestrictedTrust;
  HCERTSTORE hRestrictedOther;
  DWORD cAdditionalStore;
  HCERTSTORE* rghAdditionalStore;
  DWORD dwFlags;
  DWORD dwUrlRetrievalTimeout;
  DWORD MaximumCachedCertificates;
  DWORD CycleDetectionModulus;
  HCERTSTORE hExclusiveRoot;           // Windows 7
  HCERTSTORE hExclusiveTrustedPeople;
  DWORD dwExclusiveFlags;              // Windows 8: the configuration's full size
} CERT_CHAIN_ENGINE_CONFIG, *PCERT_CHAIN_ENGINE_CONFIG;
typedef struct _CERT_TRUST_STATUS {
  DWORD dwErrorStatus;
  DWORD dwInfoStatus;
} CERT_TRUST_STATUS;
typedef struct _CERT_CHAIN_ELEMENT {
  DWORD cbSize;
  PCCERT_CONTEXT pCertContext;
  CERT_TRUST_STATUS TrustStatus;
} CERT_CHAIN_ELEMENT, *PCERT_CHAIN_ELEMENT;
typedef struct _CERT_SIMPLE_CHAIN {
  DWORD cbSize;
  CERT_TRUST_STATUS TrustStatus;
  DWORD cElement;
  PCERT_CHAIN_ELEMENT* rgpElement;
} CERT_SIMPLE_CHAIN, *PCERT_SIMPLE_CHAIN;
typedef struct _CERT_CHAIN_CONTEXT {
  DWORD cbSize;
  CERT_TRUST_STATUS TrustStatus;
  DWORD cChain;
  PCERT_SIMPLE_CHAIN* rgpChain;
} CERT_CHAIN_CONTEXT;
typedef const CERT_CHAIN_CONTEXT* PCCERT_CHAIN_CONTEXT;
typedef struct _CERT_ENHKEY_USAGE {
  DWORD cUsageIdentifier;
  LPSTR* rgpszUsageIdentifier;
} CERT_ENHKEY_USAGE;
typedef struct _CERT_USAGE_MATCH {
  DWORD dwType;
  CERT_ENHKEY_USAGE Usage;
} CERT_USAGE_MATCH;
typedef struct _CERT_CHAIN_PARA {
  DWORD cbSize;
  CERT_USAGE_MATCH RequestedUsage;
} CERT_CHAIN_PARA;
typedef struct _SSL_EXTRA_CERT_CHAIN_POLICY_PARA {
  DWORD cbSize;
  DWORD dwAuthType;
  DWORD fdwChecks;
  WCHAR* pwszServerName;
} SSL_EXTRA_CERT_CHAIN_POLICY_PARA;
typedef struct _CERT_CHAIN_POLICY_PARA {
  DWORD cbSize;
  DWORD dwFlags;
  void* pvExtraPolicyPara;
} CERT_CHAIN_POLICY_PARA;
typedef struct _CERT_CHAIN_POLICY_STATUS {
  DWORD cbSize;
  DWORD dwError;
  LONG lChainIndex;
  LONG lElementIndex;
  void* pvExtraPolicyStatus;
} CERT_CHAIN_POLICY_STATUS;
BOOL CertAddEncodedCertificateToStore(HCERTSTORE store, DWORD encodingType, const BYTE* encoded, DWORD length,
                                      DWORD disposition, PCCERT_CONTEXT* added);
BOOL CertAddStoreToCollection(HCERTSTORE collection, HCERTSTORE sibling, DWORD flags, DWORD priority);
BOOL CertCreateCertificateChainEngine(PCERT_CHAIN_ENGINE_CONFIG config, HCERTCHAINENGINE* engine);
void CertFreeCertificateChainEngine(HCERTCHAINENGINE engine);
BOOL CertGetCertificateChain(HCERTCHAINENGINE engine, PCCERT_CONTEXT context, void* time, HCERTSTORE additionalStore,
                             CERT_CHAIN_PARA* para, DWORD flags, void* reserved, PCCERT_CHAIN_CONTEXT* chain);
void CertFreeCertificateChain(PCCERT_CHAIN_CONTEXT chain);
BOOL CertVerifyCertificateChainPolicy(LPCSTR policy, PCCERT_CHAIN_CONTEXT chain, CERT_CHAIN_POLICY_PARA* para,
                                      CERT_CHAIN_POLICY_STATUS* status);

// Win32 (win32_double.cc).
DWORD GetLastError();
void SetLastError(DWORD code);
DWORD FormatMessageW(DWORD flags, LPCVOID source, DWORD messageId, DWORD languageId, LPWSTR buffer, DWORD size,
                     va_list* arguments);
HLOCAL LocalFree(HLOCAL memory);
HMODULE GetModuleHandleW(LPCWSTR moduleName);

// WinHTTP: handles and synchronous calls (sync_api.cc, options_api.cc, headers_api.cc, crack_url.cc).
HINTERNET WinHttpOpen(LPCWSTR agent, DWORD accessType, LPCWSTR proxy, LPCWSTR proxyBypass, DWORD flags);
WINHTTP_STATUS_CALLBACK WinHttpSetStatusCallback(HINTERNET handle, WINHTTP_STATUS_CALLBACK callback,
                                                 DWORD notificationFlags, DWORD_PTR reserved);
HINTERNET WinHttpConnect(HINTERNET session, LPCWSTR serverName, INTERNET_PORT port, DWORD reserved);
HINTERNET WinHttpOpenRequest(HINTERNET connect, LPCWSTR verb, LPCWSTR objectName, LPCWSTR version, LPCWSTR referrer,
                             LPCWSTR* acceptTypes, DWORD flags);
BOOL WinHttpSetOption(HINTERNET handle, DWORD option, LPVOID buffer, DWORD bufferLength);
BOOL WinHttpQueryOption(HINTERNET handle, DWORD option, LPVOID buffer, LPDWORD bufferLength);
BOOL WinHttpSetTimeouts(HINTERNET handle, int resolveTimeout, int connectTimeout, int sendTimeout, int receiveTimeout);
BOOL WinHttpAddRequestHeaders(HINTERNET request, LPCWSTR headers, DWORD headersLength, DWORD modifiers);
BOOL WinHttpQueryHeaders(HINTERNET request, DWORD infoLevel, LPCWSTR name, LPVOID buffer, LPDWORD bufferLength,
                         LPDWORD index);
BOOL WinHttpCloseHandle(HINTERNET handle);
BOOL WinHttpCrackUrl(LPCWSTR url, DWORD urlLength, DWORD flags, LPURL_COMPONENTS components);
// Authentication (double_auth.cc).
BOOL WinHttpQueryAuthSchemes(HINTERNET request, LPDWORD supportedSchemes, LPDWORD firstScheme, LPDWORD authTarget);
BOOL WinHttpSetCredentials(HINTERNET request, DWORD authTargets, DWORD authScheme, LPCWSTR userName, LPCWSTR password,
                           LPVOID authParams);

// WinHTTP: asynchronous calls (async_api.cc); each completes later with one notification.
BOOL WinHttpSendRequest(HINTERNET request, LPCWSTR headers, DWORD headersLength, LPVOID optional,
                        DWORD optionalLength, DWORD totalLength, DWORD_PTR context);
BOOL WinHttpWriteData(HINTERNET request, LPCVOID buffer, DWORD bytesToWrite, LPDWORD bytesWritten);
BOOL WinHttpReceiveResponse(HINTERNET request, LPVOID reserved);
BOOL WinHttpQueryDataAvailable(HINTERNET request, LPDWORD bytesAvailable);
BOOL WinHttpReadData(HINTERNET request, LPVOID buffer, DWORD bytesToRead, LPDWORD bytesRead);

// Proxy configuration and resolution (double_proxy.cc), with winhttp.h's structures and constants.
#define ERROR_IO_PENDING 997
#define WINHTTP_HANDLE_TYPE_PROXY_RESOLVER 4
#define WINHTTP_AUTOPROXY_AUTO_DETECT 0x00000001
#define WINHTTP_AUTOPROXY_CONFIG_URL 0x00000002
#define WINHTTP_AUTO_DETECT_TYPE_DHCP 0x00000001
#define WINHTTP_AUTO_DETECT_TYPE_DNS_A 0x00000002
typedef void* HGLOBAL;
typedef void (*FARPROC)(void);
typedef WCHAR* PWSTR;
typedef const WCHAR* PCWSTR;

typedef struct {
  DWORD dwAccessType;
  LPWSTR lpszProxy;
  LPWSTR lpszProxyBypass;
} WINHTTP_PROXY_INFO;

typedef struct {
  BOOL fAutoDetect;
  LPWSTR lpszAutoConfigUrl;
  LPWSTR lpszProxy;
  LPWSTR lpszProxyBypass;
} WINHTTP_CURRENT_USER_IE_PROXY_CONFIG;

typedef struct {
  DWORD dwFlags;
  DWORD dwAutoDetectFlags;
  LPCWSTR lpszAutoConfigUrl;
  LPVOID lpvReserved;
  DWORD dwReserved;
  BOOL fAutoLogonIfChallenged;
} WINHTTP_AUTOPROXY_OPTIONS;

typedef struct {
  BOOL fProxy;
  BOOL fBypass;
  INTERNET_SCHEME ProxyScheme;
  PWSTR pwszProxy;
  INTERNET_PORT ProxyPort;
} WINHTTP_PROXY_RESULT_ENTRY;

typedef struct {
  DWORD cEntries;
  WINHTTP_PROXY_RESULT_ENTRY* pEntries;
} WINHTTP_PROXY_RESULT;

HGLOBAL GlobalFree(HGLOBAL memory);
FARPROC GetProcAddress(HMODULE module, const char* name);
BOOL WinHttpGetIEProxyConfigForCurrentUser(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG* config);
BOOL WinHttpGetDefaultProxyConfiguration(WINHTTP_PROXY_INFO* info);
BOOL WinHttpGetProxyForUrl(HINTERNET session, LPCWSTR url, WINHTTP_AUTOPROXY_OPTIONS* options, WINHTTP_PROXY_INFO* info);
DWORD WinHttpCreateProxyResolver(HINTERNET session, HINTERNET* resolver);
DWORD WinHttpGetProxyForUrlEx(HINTERNET resolver, PCWSTR url, WINHTTP_AUTOPROXY_OPTIONS* options, DWORD_PTR context);
DWORD WinHttpGetProxyResult(HINTERNET resolver, WINHTTP_PROXY_RESULT* result);
void WinHttpFreeProxyResult(WINHTTP_PROXY_RESULT* result);
#include "double_websocket.h"  // WinHttpWebSocket* (double_websocket.cc)
