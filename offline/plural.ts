/** `plural(1, "account")` → `1 account`; `plural(2, "policy", "policies")` → `2 policies`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
    return `${count} ${count === 1 ? singular : pluralForm}`;
}
