/**
 * The configuration snippets several checks show. Kept in one place so the doctor, docs/deploy.md and the tests
 * say the same thing.
 */

/** nginx: WebSocket needs HTTP/1.1 to the upstream and the hop-by-hop Upgrade/Connection headers passed on (RFC 7230 §6.1). */
export function nginxWebSocket(path: string, upstreamPort: number | string = 8998): string {
  return [
    `    location ${path} {`,
    `        proxy_pass http://127.0.0.1:${upstreamPort};`,
    '        proxy_http_version 1.1;',
    '        proxy_set_header Upgrade $http_upgrade;',
    '        proxy_set_header Connection "upgrade";',
    '        proxy_set_header Host $host;',
    '        proxy_read_timeout 3600s;   # the 60 s default ends a quiet voice session',
    '        proxy_send_timeout 3600s;',
    '    }',
  ].join('\n');
}

/**
 * Caddy v2's reverse_proxy passes upgrades on by itself. What breaks it is its directive order: `try_files` runs
 * before `reverse_proxy`, so an SPA rewrite turns the socket path into /index.html. A `handle` block keeps them apart.
 */
export function caddyWebSocket(host: string, path: string, upstreamPort: number | string = 8998): string {
  return [
    `    ${host} {`,
    `        handle ${path}* {`,
    `            reverse_proxy 127.0.0.1:${upstreamPort}`,
    '        }',
    '        handle {   # the rest of the site: try_files, file_server',
    '        }',
    '    }',
  ].join('\n');
}

/** The two fixes for a page on plain http from another machine: a tunnel (page becomes localhost) or https. */
export function insecureOriginFixes(host: string, port: number): string {
  return [
    `  1. ssh tunnel from the machine with the browser: \`ssh -L ${port}:localhost:${port} ${host}\`, then open http://localhost:${port}/ (localhost is a secure context).`,
    `  2. serve the page over https with a certificate the browser trusts for "${host}" (a local CA such as mkcert on a LAN; see voicewire's docs/deploy.md), and the socket over wss://.`,
  ].join('\n');
}
