// Stand-in for the Fastify API and WebSocket servers (this repository does not contain the app):
// it listens where the rendered /app/config/fastify.js and /app/config/websocket.js say, answers
// /health, /metrics, /api/* (echoing who asked and the forwarding headers it got), the WebSocket
// health path and the WebSocket protocol itself (RFC 6455, JSON frames {event, data}).
// Run as the runtime account, like PM2 would: `node fastify.mjs`.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { WebSocketServer } from "ws";

const require = createRequire(import.meta.url);
const api = require("/app/config/fastify.js");
const ws = require("/app/config/websocket.js");

const counts = new Map();
function count(name) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
}
function metrics() {
    const lines = ["# HELP http_requests_total Requests served by the stand-in.", "# TYPE http_requests_total counter"];
    for (const [endpoint, n] of counts) lines.push(`http_requests_total{endpoint="${endpoint}"} ${n}`);
    lines.push("# HELP websocket_connections_active Open WebSocket connections.", "# TYPE websocket_connections_active gauge");
    lines.push(`websocket_connections_active ${wss ? wss.clients.size : 0}`);
    return `${lines.join("\n")}\n`;
}

function who(req) {
    const cookie = req.headers.cookie ?? "";
    const session = /(?:^|;\s*)session=([^;]+)/.exec(cookie)?.[1];
    return session ?? req.headers.authorization ?? "anonymous";
}

const apiServer = createServer((req, res) => {
    const path = req.url.split("?")[0];
    count(path);
    if (path === "/health") return send(res, 200, "application/json", JSON.stringify({ status: "ok" }));
    if (path === "/metrics") return send(res, 200, "text/plain; version=0.0.4", metrics());
    if (path.startsWith("/api/")) {
        return send(
            res,
            200,
            "application/json",
            JSON.stringify({ path: req.url, user: who(req), xForwardedFor: req.headers["x-forwarded-for"] ?? null, xRealIp: req.headers["x-real-ip"] ?? null, peer: req.socket.remoteAddress, servedAt: Date.now() }),
        );
    }
    send(res, 404, "application/json", JSON.stringify({ error: "not found" }));
});

function send(res, status, type, body) {
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
    res.end(body);
}

const wsHttp = createServer((req, res) => {
    const path = req.url.split("?")[0];
    if (path === ws.healthPath) return send(res, 200, "application/json", JSON.stringify({ status: "ok", connections: wss.clients.size }));
    if (path === "/metrics") return send(res, 200, "text/plain; version=0.0.4", metrics());
    send(res, 426, "text/plain", "upgrade required\n");
});
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
wsHttp.on("upgrade", (req, socket, head) => {
    const path = req.url.split("?")[0];
    if (!path.startsWith(ws.path) || wss.clients.size >= ws.maxConnections) {
        socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
        return;
    }
    wss.handleUpgrade(req, socket, head, (conn) => {
        const client = { xForwardedFor: req.headers["x-forwarded-for"] ?? null, peer: req.socket.remoteAddress, path };
        conn.on("message", (raw) => {
            let frame;
            try {
                frame = JSON.parse(String(raw));
            } catch {
                conn.close(1003, "JSON frames only");
                return;
            }
            count(`ws:${path}`);
            conn.send(JSON.stringify({ event: "transaction_confirmed", data: { echo: frame, client } }));
        });
    });
});

apiServer.listen(api.server.port, api.server.host);
wsHttp.listen(ws.port, ws.host);
process.on("SIGTERM", () => process.exit(0));
