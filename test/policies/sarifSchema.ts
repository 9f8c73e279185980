/** Validation against the OASIS SARIF 2.1.0 JSON schema checked in under test/fixtures/sarif. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";

const schema = JSON.parse(readFileSync(join(resolve(__dirname, "..", ".."), "test", "fixtures", "sarif", "sarif-schema-2.1.0.json"), "utf8")) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Errors of `log` against the SARIF 2.1.0 schema (empty when valid). */
export function sarifErrors(log: unknown): string[] {
    return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
