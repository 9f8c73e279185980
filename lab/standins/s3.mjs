// The S3 API at MinIO's address (MinIO is in neither Debian nor npm): s3rver, an S3 server from
// npm, over the VM's MinIO data directory. Usage: node s3.mjs <host> <port> <directory> <bucket> <access key id>.
// s3rver accepts a SigV4 request whose access key id it knows, without checking the signature.
import S3rver from "s3rver";
import account from "s3rver/lib/models/account.js";

const [host, port, directory, bucket, accessKeyId] = process.argv.slice(2);
account.DUMMY_ACCOUNT.createKeyPair(accessKeyId, "signature-not-checked");
const server = new S3rver({ address: host, port: Number(port), directory, silent: true, configureBuckets: [{ name: bucket }] });
await server.run();
process.stdout.write(`s3 stand-in on ${host}:${port}, bucket ${bucket}\n`);
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
