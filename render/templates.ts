/**
 * Handlebars templates under `templates/<service>/<file>.hbs`, compiled once, with the helpers
 * every config format needs. Output is config text, not HTML: nothing is escaped.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { PROJECT_ROOT } from "../model/projectRoot";
import { secretPlaceholder } from "./secrets";

/** `templates/` at the project root. */
export const TEMPLATES_DIR = join(PROJECT_ROOT, "templates");

/** Where templates are read from: `BLITZHUB_TEMPLATES_DIR` when set (tests render edited copies), else `templates/`. */
let templatesDir = process.env.BLITZHUB_TEMPLATES_DIR || TEMPLATES_DIR;

/** Reads templates from `dir` from now on (`undefined`: back to the default). Used by tests only (a changed template in a copy). */
export function useTemplatesDir(dir: string | undefined): void {
    templatesDir = dir ?? (process.env.BLITZHUB_TEMPLATES_DIR || TEMPLATES_DIR);
    cache.clear();
}

const hbs = Handlebars.create();

hbs.registerHelper("secret", (path: string) => secretPlaceholder(path));
hbs.registerHelper("json", (value: unknown) => JSON.stringify(value));
/** YAML/JSON-safe double-quoted string. */
hbs.registerHelper("quote", (value: unknown) => JSON.stringify(String(value)));
hbs.registerHelper("join", (values: unknown[], sep: unknown) => (values ?? []).join(typeof sep === "string" ? sep : ", "));
hbs.registerHelper("inc", (n: number) => n + 1);
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
hbs.registerHelper("or", (...args: unknown[]) => args.slice(0, -1).some(Boolean));
hbs.registerHelper("indent", (text: string, spaces: number) =>
    String(text)
        .split("\n")
        .map((line) => (line === "" ? line : " ".repeat(spaces) + line))
        .join("\n"),
);

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders `templates/<name>` (e.g. `nginx/nginx.conf.hbs`) with `data`. */
export function renderTemplate(name: string, data: object): string {
    let template = cache.get(name);
    if (!template) {
        const source = readFileSync(join(templatesDir, name), "utf8");
        template = hbs.compile(source, { noEscape: true, strict: true });
        cache.set(name, template);
    }
    return template(data);
}
