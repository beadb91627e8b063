// Wine detection for the integration suite. The suite runs unchanged on real Windows and, on Linux, with the Windows
// node.exe under Wine (scripts/wine-node.js). Where Wine's winhttp.dll differs from Microsoft's documented
// behaviour (docs/wine.md lists each difference), that one test is skipped on Wine only, with the reason in its name.
//
// Detection needs no registry access: scripts/windows-node.js sets WINEPREFIX and it reaches node.exe (and jest's
// workers) unchanged; a Wine started without it still maps the Linux root as drive Z:, so Z:\proc exists there.
import { existsSync } from 'node:fs';

export const onWine: boolean =
  process.platform === 'win32' && (process.env.WINEPREFIX !== undefined || existsSync('Z:\\proc'));

/** it(name, fn), or on Wine only it.skip with the reason in the test's name. */
export function itUnlessWine(reason: string, name: string, fn: jest.ProvidesCallback, timeout?: number): void {
  if (onWine) it.skip(`${name} [skipped on Wine: ${reason}]`, fn, timeout);
  else it(name, fn, timeout);
}

/**
 * Why chunked uploads skip on Wine: its WinHttpSendRequest with WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH adds
 * Content-Length: 0 beside the Transfer-Encoding: chunked header (measured; docs/wine.md), a request Node's server
 * refuses by resetting the connection. The contract double checks these uploads byte for byte.
 */
export const WINE_CHUNKED_UPLOAD = 'it sends Content-Length: 0 beside Transfer-Encoding: chunked (WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH), ' +
  'which the server refuses';
