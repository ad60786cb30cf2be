// Starts the app. A file rather than Trunk's injected inline script, so the page's
// Content-Security-Policy can forbid inline scripts altogether.
import init from '/sasi-lab.js';

init({ module_or_path: '/sasi-lab_bg.wasm' }).catch((e) => {
  const banner = document.createElement('div');
  banner.className = 'error-banner';
  banner.setAttribute('data-testid', 'error-banner');
  banner.setAttribute('role', 'alert');
  banner.textContent = `SASI Lab could not start: ${e && e.message ? e.message : e}`;
  document.body.prepend(banner);
  console.error(e);
});
