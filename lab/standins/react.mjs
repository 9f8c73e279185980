// Stand-in for the React app server (`vite preview` under PM2; this repository has no app):
// it builds a tiny dist/ into /app/frontend as the runtime account (as `vite build` would) and
// serves it on the preview host and port of the rendered /app/frontend/vite.config.js, with
// vite preview's SPA fallback: any path that is not a file answers index.html.
import { createServer } from "node:http";
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from "node:fs";
import { join, normalize } from "node:path";

const config = readFileSync("/app/frontend/vite.config.js", "utf8");
const preview = /preview:\s*\{[^]*?host:\s*"([^"]+)"[^]*?port:\s*(\d+)/.exec(config);
if (!preview) throw new Error("react stand-in: no preview host/port in /app/frontend/vite.config.js");
const [, host, port] = preview;
const outDir = /outDir:\s*"([^"]+)"/.exec(config)?.[1] ?? "dist";
const dist = join("/app/frontend", outDir);

mkdirSync(join(dist, "assets"), { recursive: true });
writeFileSync(join(dist, "index.html"), '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body><div id="root" data-blitzhub-build="lab"></div></body></html>\n');
writeFileSync(join(dist, "assets", "app.js"), "console.log('blitzhub lab build');\n");

createServer((req, res) => {
    const path = normalize(decodeURIComponent(req.url.split("?")[0]));
    const file = join(dist, path);
    const target = file.startsWith(dist) && existsSync(file) && statSync(file).isFile() ? file : join(dist, "index.html");
    const body = readFileSync(target);
    res.writeHead(200, { "content-type": target.endsWith(".js") ? "text/javascript" : "text/html", "content-length": body.length });
    res.end(body);
}).listen(Number(port), host);
process.on("SIGTERM", () => process.exit(0));
