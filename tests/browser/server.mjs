// A small static server for the built site, mounted under a sub-path the way a static host
// serves a project site: folders answer with their index.html, unknown paths with 404.html
// and status 404, hashed assets with a year-long cache, text compressed when asked.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { gzipSync } from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};
const HASHED = /\.[0-9a-f]{10}\.(css|js|svg)$/;

async function resolve(root, prefix, url) {
  const path = decodeURIComponent(new URL(url, "http://localhost").pathname);
  if (!path.startsWith(prefix)) return null;
  const file = normalize(join(root, path.slice(prefix.length)));
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    const info = await stat(file);
    if (info.isDirectory()) {
      if (!path.endsWith("/")) return { redirect: path + "/" };
      return { file: join(file, "index.html") };
    }
    return { file };
  } catch {
    return null;
  }
}

function send(req, res, status, file, body) {
  const type = TYPES[extname(file)] || "application/octet-stream";
  const headers = { "content-type": type };
  headers["cache-control"] = HASHED.test(file) ? "public, max-age=31536000, immutable" : "no-cache";
  let payload = body;
  if (/^(text|application\/(json|xml))/.test(type) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
    payload = gzipSync(body);
    headers["content-encoding"] = "gzip";
  }
  headers["content-length"] = payload.length;
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : payload);
}

/** Serves `root` under `prefix` (such as `/sub/path/`) on 127.0.0.1; resolves to the server. */
export function serve(root, prefix, port = 0) {
  const server = createServer(async (req, res) => {
    try {
      const found = await resolve(root, prefix, req.url);
      if (found && found.redirect) {
        res.writeHead(301, { location: found.redirect });
        res.end();
      } else if (found) {
        send(req, res, 200, found.file, await readFile(found.file));
      } else {
        const page = join(root, "404.html");
        send(req, res, 404, page, await readFile(page));
      }
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e));
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok(server));
  });
}
