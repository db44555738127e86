import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';

// The API (reference-app/api) listens on 8080 by default; `npm run dev` proxies /api to it so the
// dev server and the one-port local run behave the same. GOODGREETS_API overrides the target.
const apiTarget = process.env.GOODGREETS_API ?? 'http://127.0.0.1:8080';

// Strict CSP for the built page: only our own scripts, styles, workers and connections. Blob and
// data images are the upload preview and nothing else. (Not applied in dev: Vite's HMR client
// needs more.) The server may send the same policy as a header; a meta tag keeps static hosting
// (S3 + CloudFront) just as strict.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'goodgreets-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'altcha-widget' } } }), cspMeta()],
  build: {
    target: 'es2022',
    // Vite's module-preload polyfill is emitted into a script file, never inline; keep it anyway
    // off because every browser we target supports modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false }, '/media': apiTarget },
  },
});
