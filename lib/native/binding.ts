// The one loader of the addon: node-gyp-build finds prebuilds/win32-x64/*.node (or build/Release). Loading is lazy,
// so importing the package succeeds everywhere; the first call that needs WinHTTP throws UnsupportedPlatformError
// off Windows.
import * as path from 'node:path';
import { UnsupportedPlatformError } from '../errors';
import type { NativeBinding } from './types';

// dist/lib/native -> package root
const PACKAGE_ROOT = path.join(__dirname, '..', '..', '..');

let binding: NativeBinding | undefined;

/** True where WinHTTP exists (Windows). */
export function isSupported(): boolean {
  return process.platform === 'win32';
}

export function getBinding(): NativeBinding {
  if (binding === undefined) {
    if (!isSupported()) throw new UnsupportedPlatformError();
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const load = require('node-gyp-build') as (dir: string) => NativeBinding;
    binding = load(PACKAGE_ROOT);
  }
  return binding;
}
