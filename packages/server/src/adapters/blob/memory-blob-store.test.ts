import { describeBlobStore } from './blob-store.suite.js';
import { createBlobStore } from './index.js';

describeBlobStore('MemoryBlobStore', () =>
  Promise.resolve({ store: createBlobStore({ driver: 'memory' }), dispose: () => Promise.resolve() }),
);
