/**
 * Secrets never reach a rendered file: templates write a placeholder naming the Vault path,
 * and delivery replaces it on the host with the Pulumi secret of that path.
 */

const PLACEHOLDER = /@@secret:(secret\/[a-z0-9_/]+)@@/g;

/** `@@secret:secret/redis_password@@`: what a template writes where the value belongs. */
export function secretPlaceholder(path: string): string {
    if (!/^secret\/[a-z0-9_/]+$/.test(path)) {
        throw new Error(`secret path ${JSON.stringify(path)} is not a Vault path such as secret/redis_password`);
    }
    return `@@secret:${path}@@`;
}

/** Vault paths whose placeholders occur in `content`, sorted and unique. */
export function secretRefsIn(content: string): string[] {
    const refs = new Set<string>();
    for (const match of content.matchAll(PLACEHOLDER)) refs.add(match[1]);
    return [...refs].sort();
}

/** Replaces every placeholder by its value; throws when a value is missing (delivery uses the same rule on the host). Used by tests only. */
export function substituteSecrets(content: string, values: Record<string, string>): string {
    return content.replace(PLACEHOLDER, (_, path: string) => {
        const value = values[path];
        if (value === undefined) throw new Error(`no value for ${path}`);
        return value;
    });
}
