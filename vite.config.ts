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
      output: {
        // The page imports the clients itself, which the components import lazily: Rolldown would
        // split each of those modules into a chunk of its own, all loaded up front anyway. One chunk
        // for the page's code, its components and Lit (PeerJS stays lazy, loaded with the first call).
        codeSplitting: {
          groups: [{ name: 'app', test: /^(?!.*\/node_modules\/).*\/src\/|\/node_modules\/(lit|lit-html|lit-element|@lit\/[^/]+|idb)\// }],
        },
      },
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
