// The prebuilds npm pack ships, checked as files (the ia32 one runs nowhere on our machines: Debian here has no
// 32-bit Wine): each is a DLL for its folder's architecture, exports just Node-API's two module entry points, and
// imports only DLLs every Windows has. A mingw-w64 runtime DLL (libwinpthread-1.dll, libstdc++-6.dll) would not be
// beside node.exe on a user's machine, and a plain import of node.exe would break Electron and other renamed hosts
// (Node-API is bound through the delay-load hook instead). Needs a built tree (`npm run build`). Runs under Linux node.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// dist/test/linux -> repository root
const ROOT = path.join(__dirname, '..', '..', '..');
// objdump's name for each architecture's PE format (binutils-mingw-w64-x86-64's objdump reads both).
const FORMATS: Record<string, string> = { x64: 'pei-x86-64', ia32: 'pei-i386' };
// Windows' own DLLs the addon may import (case as the linker writes them).
const SYSTEM_DLLS = ['ADVAPI32.dll', 'bcrypt.dll', 'CRYPT32.dll', 'KERNEL32.dll', 'msvcrt.dll', 'ncrypt.dll', 'Secur32.dll',
  'USER32.dll', 'WINHTTP.dll', 'WS2_32.dll'];

interface PeSummary { format: string; imports: string[]; exports: string[] }

function summarize(file: string): PeSummary {
  const dump = execFileSync('x86_64-w64-mingw32-objdump', ['-p', file], { encoding: 'utf8' });
  const format = /file format (\S+)/.exec(dump)?.[1] ?? '';
  const imports = [...dump.matchAll(/^\s*DLL Name: (\S+)$/gm)].map((m) => m[1]).sort();
  const table = dump.split('[Ordinal/Name Pointer] Table\n')[1] ?? '';
  const exports = [...table.split('\n\n')[0].matchAll(/^\s*\[\s*\d+\] (\S+)$/gm)].map((m) => m[1]).sort();
  return { format, imports, exports };
}

describe.each(Object.keys(FORMATS))('prebuilds/win32-%s/winhttp.napi.node', (arch) => {
  const file = path.join(ROOT, 'prebuilds', `win32-${arch}`, 'winhttp.napi.node');
  const pe = summarize(file);

  it(`is a DLL for ${arch}`, () => {
    expect(pe.format).toBe(FORMATS[arch]);
  });

  it("exports exactly Node-API's module entry points", () => {
    expect(pe.exports).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
  });

  it('imports WinHTTP and otherwise only Windows system DLLs, not node.exe nor a mingw-w64 runtime', () => {
    expect(pe.imports).toContain('WINHTTP.dll');
    expect(pe.imports.filter((dll) => !SYSTEM_DLLS.includes(dll))).toEqual([]);
  });

  it('binds Node-API through the delay-load hook, which asks for "node.exe" by name', () => {
    expect(fs.readFileSync(file).includes(Buffer.from('node.exe\0', 'latin1'))).toBe(true);
  });
});
