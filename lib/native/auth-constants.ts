// winhttp.h's authentication numbers (WinHttpQueryAuthSchemes, WinHttpSetCredentials, the autologon policy).

export const WINHTTP_AUTH_SCHEME_BASIC = 0x1;
export const WINHTTP_AUTH_SCHEME_NTLM = 0x2;
export const WINHTTP_AUTH_SCHEME_PASSPORT = 0x4;
export const WINHTTP_AUTH_SCHEME_DIGEST = 0x8;
export const WINHTTP_AUTH_SCHEME_NEGOTIATE = 0x10;

export const WINHTTP_AUTH_TARGET_SERVER = 0;
export const WINHTTP_AUTH_TARGET_PROXY = 1;

export const WINHTTP_OPTION_AUTOLOGON_POLICY = 77;
export const WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM = 0;
export const WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW = 1;
export const WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH = 2;
