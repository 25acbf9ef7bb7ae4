import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The portal is built into dist/ and served by the Wharf server at `/`; `npm run dev` proxies the API to it. */
const wharf = 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2048 },
  server: {
    proxy: Object.fromEntries(['/api', '/c', '/v2', '/service'].map((prefix) => [prefix, wharf])),
  },
});
