// download()'s file-system failures, with the real errors of a Linux file system: a disk that is full (the partial
// file is a symlink to /dev/full, whose writes fail with ENOSPC) and a folder that refuses new files (sysfs refuses
// them even to root). Under Wine neither can be arranged (Wine's symlinks are copies), so these run against the
// contract double; the Wine suite covers a refused folder too (test/integration/download.test.ts). Either way the
// error is typed and nothing is left under any of the download's names.
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskFullError, FilePermissionError, PART_SUFFIX, STATE_SUFFIX, Session, download } from '../../lib';
import { contractDouble, useContractDouble } from './helpers/contract-double';

useContractDouble();

const BODY = Buffer.alloc(200_000, 7);
let folder: string;
let session: Session;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'winhttp-download-files-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
describe('download() and the file system', () => {
  beforeEach(() => {
    session = new Session({ proxy: 'none' });
    contractDouble().setScenario({ completion: 'pool', routes: {
      '/file': { headers: [['ETag', '"v1"']], body: [BODY.subarray(0, 100_000), BODY.subarray(100_000)] },
    } });
  });
  afterEach(() => session.close());

  const leftovers = (path: string) => [path, path + PART_SUFFIX, path + STATE_SUFFIX].filter((p) => existsSync(p));

  it('a full disk: DiskFullError (ENOSPC as its cause), and neither the partial file nor its state is left', async () => {
    const path = join(folder, 'full.bin');
    symlinkSync('/dev/full', path + PART_SUFFIX);
    const failure = download('http://double.test/file', path, { session });
    await expect(failure).rejects.toThrow(DiskFullError);
    await expect(failure).rejects.toMatchObject({ code: 'ERR_WINHTTP_DISK_FULL', path, cause: { code: 'ENOSPC' } });
    expect(leftovers(path)).toEqual([]);
  });

  it('a folder that refuses new files: FilePermissionError, nothing left', async () => {
    const path = join('/sys', `winhttp-${process.pid}.bin`);
    const failure = download('http://double.test/file', path, { session });
    await expect(failure).rejects.toThrow(FilePermissionError);
    await expect(failure).rejects.toMatchObject({ code: 'ERR_WINHTTP_FILE_PERMISSION', cause: { code: 'EACCES' } });
    expect(leftovers(path)).toEqual([]);
  });

  it('the same download to a folder that takes it is whole', async () => {
    const path = join(folder, 'ok.bin');
    const result = await download('http://double.test/file', path, { session });
    expect(result.bytes).toBe(BODY.length);
    expect(leftovers(path)).toEqual([path]);
  });
});
