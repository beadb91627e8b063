// Off Windows the package must import cleanly and fail only when WinHTTP is needed, with one clear error that
// names the platform. Runs under Linux node.
import * as winhttp from '../../lib';

describe('on a platform without WinHTTP', () => {
  it('imports, and reports isSupported() === false', () => {
    expect(process.platform).not.toBe('win32');
    expect(winhttp.isSupported()).toBe(false);
  });

  it('throws UnsupportedPlatformError naming the platform on the first call that needs WinHTTP', () => {
    let thrown: unknown;
    try {
      new winhttp.Session();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(winhttp.UnsupportedPlatformError);
    expect((thrown as Error).name).toBe('UnsupportedPlatformError');
    expect((thrown as { code: string }).code).toBe('ERR_WINHTTP_UNSUPPORTED_PLATFORM');
    expect((thrown as Error).message).toContain(process.platform);
  });

  it('rejects request() with the same error', async () => {
    await expect(winhttp.request('http://127.0.0.1:1/')).rejects.toMatchObject({
      name: 'UnsupportedPlatformError',
      code: 'ERR_WINHTTP_UNSUPPORTED_PLATFORM',
    });
  });

  it('rejects fetch() with the same error, and a WinHttpDispatcher hands it to the handler', async () => {
    await expect(winhttp.fetch('http://127.0.0.1:1/')).rejects.toMatchObject({ name: 'UnsupportedPlatformError' });
    const error = await new Promise((resolve) => new winhttp.WinHttpDispatcher().dispatch(
      { origin: 'http://127.0.0.1:1', path: '/', method: 'GET' }, { onError: resolve }));
    expect(error).toBeInstanceOf(winhttp.UnsupportedPlatformError);
  });
});
