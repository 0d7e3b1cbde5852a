import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Served by the gateway at /console: assets under /console/assets/ with content hashes (cached for good), the
// page itself never cached.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  // two pages: the console, and the session player it frames (served under its own content policy)
  build: { outDir: 'dist', assetsDir: 'assets', sourcemap: true,
    rollupOptions: { input: { console: 'index.html', player: 'player.html' } } },
  test: { environment: 'happy-dom', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'] },
});
