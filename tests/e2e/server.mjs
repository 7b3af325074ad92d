// A tiny static file server for the built site (dist/), for the browser tests and
// the benchmark. No npm dependencies: node:http on 127.0.0.1, a free port chosen by
// the OS, and the MIME types a browser insists on (application/wasm for
// WebAssembly.instantiateStreaming, text/javascript for ES modules).
//
//   const { url, close } = await serve("dist", { "/test-pages/": "tests/e2e/pages" });
//   // url is "http://127.0.0.1:PORT/" (with the trailing slash)

import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};

/** The file a URL path names under `root`, or null when it would leave `root`. */
function inside(root, rel) {
  const file = resolve(root, "." + sep + rel);
  return file === root || file.startsWith(root + sep) ? file : null;
}

/**
 * Serves `root` (and each `mounts` prefix → folder) until `close()`.
 * @param {string} root folder served at "/"
 * @param {Record<string, string>} [mounts] URL prefix (like "/test-pages/") → folder
 * @param {{ headers?: (path: string) => Record<string, string> }} [options] extra
 *   response headers per URL path (a Content-Security-Policy, say)
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serve(root, mounts = {}, { headers = () => ({}) } = {}) {
  const roots = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith("/") ? prefix : prefix + "/", resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const base = resolve(root);

  const server = createServer(async (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { Allow: "GET, HEAD" }).end();
        return;
      }
      let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      const extra = headers(path);
      let dir = base;
      for (const [prefix, folder] of roots) {
        if (path.startsWith(prefix)) {
          dir = folder;
          path = path.slice(prefix.length - 1);
          break;
        }
      }
      let file = inside(dir, path);
      if (file === null) {
        res.writeHead(403).end("forbidden");
        return;
      }
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!path.endsWith("/")) {
          res.writeHead(301, { Location: req.url.replace(/^([^?]*)/, "$1/") }).end();
          return;
        }
        file = join(file, "index.html");
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) {
        res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end(`not found: ${path}`);
        return;
      }
      res.writeHead(200, {
        "Content-Type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
        "Content-Length": info.size,
        "Cache-Control": "no-store",
        ...extra,
      });
      if (req.method === "HEAD") res.end();
      else createReadStream(file).pipe(res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(err));
    }
  });

  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
