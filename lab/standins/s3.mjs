// The S3 API at MinIO's address (MinIO is in neither Debian nor npm): s3rver, an S3 server from
// npm, over the VM's MinIO data directory.
// Usage: node s3.mjs <host> <port> <directory> <bucket> <policies.json> <request log> [<cert> <key>]
// With <cert> and <key> (MinIO's rendered public.crt and private.key) it serves HTTPS only, as
// MinIO does with a --certs-dir.
// <policies.json> maps each access key id to the IAM statements the MinIO provisioning script
// attaches to that user; this stand-in enforces their Allow actions on bucket and object ARNs
// (MinIO's own policy check, reduced to what the backup users need) and logs every request
// (access key, method, action, path, status) as a JSON line. s3rver accepts a SigV4 request
// whose access key id it knows, without checking the signature.
import { appendFileSync, readFileSync } from "node:fs";
import S3rver from "s3rver";
import account from "s3rver/lib/models/account.js";

const [host, port, directory, bucket, policyFile, requestLog, certFile, keyFile] = process.argv.slice(2);
const policies = JSON.parse(readFileSync(policyFile, "utf8"));
for (const key of Object.keys(policies)) account.DUMMY_ACCOUNT.createKeyPair(key, "signature-not-checked");

/** The S3 action of a request, as IAM names it. */
function actionOf(method, path, query) {
    const isObject = path.split("/").filter(Boolean).length > 1;
    if (!isObject) {
        if (method === "GET") return query.has("versions") ? "s3:ListBucketVersions" : query.has("location") ? "s3:GetBucketLocation" : "s3:ListBucket";
        if (method === "HEAD") return "s3:ListBucket";
        if (method === "PUT") return "s3:CreateBucket";
        return `s3:${method}Bucket`;
    }
    if (method === "PUT" || method === "POST") return "s3:PutObject";
    if (method === "GET" || method === "HEAD") return query.has("versionId") ? "s3:GetObjectVersion" : "s3:GetObject";
    if (method === "DELETE") return query.has("uploadId") ? "s3:AbortMultipartUpload" : "s3:DeleteObject";
    return `s3:${method}`;
}

function allowed(statements, action, arn) {
    const matches = (pattern, value) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(value);
    return statements.some((s) => s.Effect === "Allow" && [].concat(s.Action).some((a) => matches(a, action)) && [].concat(s.Resource ?? []).some((r) => matches(r, arn)));
}

const tls = certFile && keyFile ? { cert: readFileSync(certFile), key: readFileSync(keyFile) } : {};
const server = new S3rver({ address: host, port: Number(port), directory, silent: true, configureBuckets: [{ name: bucket }], ...tls });
server.middleware.unshift(async (ctx, next) => {
    const key = /Credential=([^/]+)\//.exec(ctx.get("authorization"))?.[1] ?? "";
    const path = decodeURIComponent(ctx.path);
    const action = actionOf(ctx.method, path, new URLSearchParams(ctx.querystring));
    const arn = `arn:aws:s3:::${path.replace(/^\//, "").replace(/\/$/, "")}`;
    const statements = policies[key]?.Statement;
    if (!statements || !allowed(statements, action, arn)) {
        ctx.status = 403;
        ctx.type = "application/xml";
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>`;
    } else await next();
    appendFileSync(requestLog, `${JSON.stringify({ key, method: ctx.method, action, path, status: ctx.status })}\n`);
});
await server.run();
process.stdout.write(`s3 stand-in on ${certFile ? "https" : "http"}://${host}:${port}, bucket ${bucket}, ${Object.keys(policies).length} users\n`);
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
