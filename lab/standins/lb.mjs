// The OCI load balancer in front of EU-FE-01's Nginx, as its plan listeners say: an HTTPS listener
// (TLS terminated here with the edge certificate, the request passed on with X-Forwarded-For,
// -Proto and -Port, as OCI's load balancer adds them) and a listener that answers every request
// with a 301 to HTTPS (OCI's REDIRECT rule). With `backend.ca`, the hop to the backend is TLS too
// and the backend's certificate must chain to that CA and name the backend's IP (the backend
// set's sslConfiguration with verifyPeerCertificate); a backend that fails is answered 502.
// Usage: node lb.mjs <config.json>
// {"address", "backend": {"host", "port", "ca"?}, "https": [{"port", "cert", "key"}], "redirect": [{"port", "toPort"}]}
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const backendCa = config.backend.ca ? readFileSync(config.backend.ca) : undefined;

function forward(req, res, listenerPort) {
    const headers = { ...req.headers };
    const from = req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "";
    headers["x-forwarded-for"] = headers["x-forwarded-for"] ? `${headers["x-forwarded-for"]}, ${from}` : from;
    headers["x-forwarded-proto"] = "https";
    headers["x-forwarded-port"] = String(listenerPort);
    const target = { host: config.backend.host, port: config.backend.port, method: req.method, path: req.url, headers };
    const send = backendCa ? (opts, cb) => https.request({ ...opts, ca: backendCa, rejectUnauthorized: true, minVersion: "TLSv1.2" }, cb) : http.request;
    const upstream = send(target, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
    });
    upstream.on("error", (error) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`lb stand-in: backend ${config.backend.host}:${config.backend.port}: ${error.code ?? ""} ${error.message}\n`);
    });
    req.pipe(upstream);
}

const servers = [];
for (const l of config.https) {
    const server = https.createServer({ cert: readFileSync(l.cert), key: readFileSync(l.key), minVersion: "TLSv1.2" }, (req, res) => forward(req, res, l.port));
    servers.push(new Promise((ok) => server.listen(l.port, config.address, ok)));
}
for (const l of config.redirect) {
    const server = http.createServer((req, res) => {
        const host = (req.headers.host ?? config.address).replace(/:\d+$/, "");
        res.writeHead(301, { location: `https://${host}${l.toPort === 443 ? "" : `:${l.toPort}`}${req.url}`, "content-length": "0" });
        res.end();
    });
    servers.push(new Promise((ok) => server.listen(l.port, config.address, ok)));
}
await Promise.all(servers);
process.stdout.write(`lb stand-in on ${config.address}: https ${config.https.map((l) => l.port).join(",")}, redirect ${config.redirect.map((l) => l.port).join(",")}, backend ${backendCa ? "TLS, verified" : "clear text"}\n`);
process.on("SIGTERM", () => process.exit(0));
