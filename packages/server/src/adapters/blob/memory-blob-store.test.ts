import { BaseBlobStore } from './base-blob-store.js';
import { describeBlobStore } from './blob-store.suite.js';
import { MemoryBlobStore } from './memory-blob-store.js';
import type { MemoryObject } from './memory-object.js';

describeBlobStore('MemoryBlobStore', () => {
  // One map of objects: every instance opened on it sees the same storage.
  const objects = new Map<string, MemoryObject>();
  const open = () => new BaseBlobStore(new MemoryBlobStore(objects));
  return Promise.resolve({
    store: open(),
    reopen: () => Promise.resolve(open()),
    move: 'atomic',
    redirects: false,
    dispose: () => Promise.resolve(),
  });
});
