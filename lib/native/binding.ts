// The one loader of the addon: node-gyp-build finds prebuilds/win32-<arch>/*.node (or build/Release). Loading is lazy,
// so importing the package succeeds everywhere; the first call that needs WinHTTP throws UnsupportedPlatformError
// off Windows. WINHTTP_NATIVE_PATH names another build to load instead (the Linux build against the contract
// double, or a debug build); it is the only way the library runs off Windows.
import * as path from 'node:path';
import { UnsupportedPlatformError } from '../errors';
import type { NativeBinding } from './types';

// dist/lib/native -> package root
const PACKAGE_ROOT = path.join(__dirname, '..', '..', '..');

let binding: NativeBinding | undefined;

function overridePath(): string | undefined {
  const value = process.env.WINHTTP_NATIVE_PATH;
  return value === undefined || value === '' ? undefined : value;
}

/** True where WinHTTP exists (Windows), or where WINHTTP_NATIVE_PATH names a build to use. */
export function isSupported(): boolean {
  return process.platform === 'win32' || overridePath() !== undefined;
}

export function getBinding(): NativeBinding {
  if (binding === undefined) {
    const override = overridePath();
    if (override !== undefined) {
      binding = require(path.resolve(override)) as NativeBinding;
    } else {
      if (process.platform !== 'win32') throw new UnsupportedPlatformError();
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const load = require('node-gyp-build') as (dir: string) => NativeBinding;
      binding = load(PACKAGE_ROOT);
    }
  }
  return binding;
}
