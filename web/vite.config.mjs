// Builds the collector's web page (web/) into dist/ui, which collector/ui/web-ui.ts serves.
// base './': every asset URL is relative, so the page works behind a path prefix or a port-forward.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Inlined assets would be data: URLs that the page's Content-Security-Policy refuses.
    assetsInlineLimit: 0,
  },
});
