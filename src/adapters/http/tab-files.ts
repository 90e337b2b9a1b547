/**
 * The personal tab's files (built into dist/tab/ by scripts/build-tab.ts), the only ones /tab/ serves:
 * a fixed list, so no request path ever reaches the file system.
 */
export const TAB_FILES: readonly { name: string; contentType: string }[] = [
  { name: 'index.html', contentType: 'text/html; charset=utf-8' },
  { name: 'app.js', contentType: 'text/javascript; charset=utf-8' },
  { name: 'app.css', contentType: 'text/css; charset=utf-8' },
  { name: 'app.js.LEGAL.txt', contentType: 'text/plain; charset=utf-8' },
];
