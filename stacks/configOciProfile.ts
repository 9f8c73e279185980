/**
 * The OCI CLI/SDK config file (`~/.oci/config`): INI sections, one profile per account. Pure:
 * parsing and checking take the file's text, so tests and the offline engine need no real file.
 */
import { UserInputError, type Problem } from "../model/errors";

/** One profile of an OCI config file, with `[DEFAULT]` values merged in as the OCI SDK does. */
export interface OciProfile {
    /** Profile (section) name, e.g. `EU-FE-01`. */
    name: string;
    /** User OCID (`user`). */
    user: string;
    /** API signing key fingerprint (`fingerprint`). */
    fingerprint: string;
    /** Path to the API signing private key (`key_file`), `~` expanded by the caller. */
    keyFile: string;
    /** Tenancy OCID (`tenancy`). */
    tenancy: string;
    /** Region identifier (`region`), e.g. `eu-frankfurt-1`. */
    region: string;
    /** Passphrase of the private key (`pass_phrase`), when it has one. A secret. */
    passPhrase?: string;
}

/** Keys every profile needs, as they are spelled in the file. */
export const REQUIRED_PROFILE_KEYS = ["user", "fingerprint", "key_file", "tenancy", "region"] as const;

/** Sections of an INI file as `name → key → value`; `DEFAULT` holds the inherited values. */
export type OciConfigSections = Map<string, Map<string, string>>;

/** Parses the INI text of an OCI config file. Comments start with `#` or `;`. */
export function parseOciConfig(text: string, fileName: string): OciConfigSections {
    const sections: OciConfigSections = new Map();
    const problems: Problem[] = [];
    let current: Map<string, string> | undefined;
    text.split(/\r?\n/).forEach((raw, index) => {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
        const section = /^\[([^\]]+)\]$/.exec(line);
        if (section) {
            const name = section[1].trim();
            current = sections.get(name) ?? new Map();
            sections.set(name, current);
            return;
        }
        const eq = line.indexOf("=");
        if (eq <= 0 || current === undefined) {
            problems.push({ path: fileName, line: index + 1, message: `expected "[PROFILE]" or "key=value", got "${line}"` });
            return;
        }
        current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    });
    if (problems.length > 0) throw new UserInputError(problems);
    return sections;
}

/**
 * The named profile, with `[DEFAULT]` values inherited. Every missing profile or key is a
 * problem naming the file, the profile and the key.
 */
export function ociProfileFrom(sections: OciConfigSections, fileName: string, profile: string): OciProfile {
    const own = sections.get(profile);
    if (own === undefined) {
        const known = [...sections.keys()].filter((name) => name !== "DEFAULT");
        throw new UserInputError([
            { path: `${fileName}: [${profile}]`, message: `profile "${profile}" not found (profiles: ${known.join(", ") || "none"})` },
        ]);
    }
    const merged = new Map([...(sections.get("DEFAULT") ?? new Map<string, string>()), ...own]);
    const missing = REQUIRED_PROFILE_KEYS.filter((key) => !merged.get(key));
    if (missing.length > 0) {
        throw new UserInputError(
            missing.map((key) => ({ path: `${fileName}: [${profile}].${key}`, message: `profile "${profile}" has no "${key}"` })),
        );
    }
    const passPhrase = merged.get("pass_phrase");
    return {
        name: profile,
        user: merged.get("user")!,
        fingerprint: merged.get("fingerprint")!,
        keyFile: merged.get("key_file")!,
        tenancy: merged.get("tenancy")!,
        region: merged.get("region")!,
        ...(passPhrase ? { passPhrase } : {}),
    };
}
