/**
 * The React frontend's build inputs on the FE A1 (`/app/frontend`): `package.json` with pinned
 * dependencies (React at the catalogue version, Socket.IO client), `vite.config.js` (preview on
 * the plan IP and catalogue port, proxying to Fastify by plan IP) and the WebSocket client.
 */
import { dependencyTargets, requirePort, vmLabel } from "./lookup";
import { pm2Reload } from "./pm2";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Exact versions (Dependabot bumps them); React and React DOM follow the catalogue's version. */
export const FRONTEND_DEPENDENCIES: Readonly<Record<string, string>> = {
    "@solana/web3.js": "1.95.3",
    "react-joyride": "2.8.2",
    recharts: "2.12.7",
};
export const FRONTEND_DEV_DEPENDENCIES: Readonly<Record<string, string>> = {
    "@vitejs/plugin-react": "4.3.1",
    autoprefixer: "10.4.20",
    postcss: "8.4.41",
    tailwindcss: "3.4.10",
    vite: "5.4.2",
};

/** `package.json` parses as JSON; both modules parse as ES modules (`"type": "module"`). */
export const REACT_VALIDATE =
    "cd /app/frontend && node -e 'JSON.parse(require(\"fs\").readFileSync(\"package.json\", \"utf8\"))' " +
    "&& node --check vite.config.js && node --check src/services/websocket.js";

const sorted = (deps: Readonly<Record<string, string>>) =>
    Object.entries(deps)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, version]) => ({ name, version }));

export function renderReact(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const def = placement.def;
    const http = requirePort(placement, `${label} react`, "http");
    const fastify = dependencyTargets(ctx, "fastify")[0];
    if (!fastify) throw new Error(`${label} react: no Fastify dependency target`);
    const wsPath = String(def.settings.websocketPath ?? "/ws");
    const common = {
        vmLabel: label,
        version: def.version,
        ip: vm.privateIp,
        port: http.port,
        apiPath: "/api",
        wsPath,
        fastifyApi: `http://${fastify.ip}:${requirePort(fastify, label, "api").port}`,
        fastifyWs: `ws://${fastify.ip}:${requirePort(fastify, label, "ws").port}`,
    };
    const runtime = def.install.runtime;
    if (!runtime) throw new Error(`${label} react: the catalogue gives it no Node.js runtime`);
    const file = { owner: runtime.user, group: runtime.user, mode: "0644", validate: REACT_VALIDATE, reload: pm2Reload("react", runtime.user) };
    return [
        {
            path: "/app/frontend/package.json",
            content: renderTemplate("react/package.json.hbs", {
                version: def.version,
                dependencies: sorted({ ...FRONTEND_DEPENDENCIES, react: def.version, "react-dom": def.version }),
                devDependencies: sorted(FRONTEND_DEV_DEPENDENCIES),
            }),
            ...file,
        },
        { path: "/app/frontend/vite.config.js", content: renderTemplate("react/vite.config.js.hbs", common), ...file },
        { path: "/app/frontend/src/services/websocket.js", content: renderTemplate("react/websocket.js.hbs", common), ...file },
    ];
}
