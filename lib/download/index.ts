// download() and its types and errors (the public surface of lib/download/).
export { download, type DownloadResult } from './download';
export type { DownloadOptions, RetryInfo } from './options';
export type { BackoffOptions, RetryClock } from './retry';
export { ChecksumMismatchError, DiskFullError, FilePermissionError, DownloadStatusError } from './errors';
export { PART_SUFFIX, STATE_SUFFIX } from './partial-file';
