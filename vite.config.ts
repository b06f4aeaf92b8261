import { defineConfig } from 'vite';
import { minifyLitTemplates } from './scripts/minifyLitTemplates.js';

// The demo page (index.html) and the library's entry points. In `npm start` Vite runs as middleware
// inside the service's HTTP server, so the page and the API share one origin and one port.
export default defineConfig({
  // The demo's production build minifies the components' templates as /sdk/ does.
  plugins: [minifyLitTemplates()],
  build: {
    target: 'es2022',
    outDir: 'dist/demo',
    rollupOptions: {
      input: { demo: 'index.html' },
    },
  },
  esbuild: { target: 'es2022' },
  // Scan every page up front: a dependency discovered mid-run makes Vite reload the page, which
  // would cut a test or benchmark off in the middle.
  optimizeDeps: {
    entries: ['index.html', 'test/e2e/harness/*.html', 'bench/pages/*.html'],
    include: ['peerjs', 'idb'],
  },
});
