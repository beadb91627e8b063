// Which optional WinHTTP features the running WinHTTP has, decided from the platform and not by trying them (trying is
// what the tests check). The first Windows version of each is on Microsoft's page for the option; Wine 8's winhttp.dll
// is described in docs/wine.md.
import * as os from 'node:os';
import { onWine } from './wine';

/** The Windows build number (the z of 10.0.z, 6.3.z ...), 0 off Windows. Under Wine: the version the prefix reports. */
export const windowsBuild: number = process.platform === 'win32' ? Number(os.release().split('.')[2] ?? 0) : 0;

/** WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL: Windows 10 1607 (build 14393) and later; Wine 8 accepts it (and ignores it). */
export const hasEnableHttpProtocol: boolean = onWine || windowsBuild >= 14393;
