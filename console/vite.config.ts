import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Served by the gateway at /console: assets under /console/assets/ with content hashes (cached for good), the
// page itself never cached.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', assetsDir: 'assets', sourcemap: true },
  test: { environment: 'happy-dom', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'] },
});
