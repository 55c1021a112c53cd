import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { API_PREFIX, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET } from './proxy-common.js'

// The peer of `npm run bench:proxy`: Apache httpd with mod_auth_openidc (a certified OpenID Connect relying party)
// as the token proxy: it signs the user in against the emulator (authorization code flow), keeps the session in its
// shared-memory cache behind a session cookie, and proxies the API path to the same upstream with the access token
// as a bearer token. Debian's packages (apt-get install apache2 libapache2-mod-auth-openidc).

export const APACHE_BIN = process.env.APACHE_BIN ?? '/usr/sbin/apache2'
const MODULES = process.env.APACHE_MODULES ?? '/usr/lib/apache2/modules'

export interface Apache {
  pid: number
  origin: string
  /** Where its API route's sign-in comes back (register it at the provider). */
  redirectUri: string
  stop: () => Promise<void>
}

export function apacheAvailable (): string | undefined {
  if (!existsSync(APACHE_BIN)) return `${APACHE_BIN} not found (apt-get install apache2)`
  if (!existsSync(join(MODULES, 'mod_auth_openidc.so'))) return `${MODULES}/mod_auth_openidc.so not found (apt-get install libapache2-mod-auth-openidc)`
  return undefined
}

export function apacheRedirectUri (port: number): string {
  return `http://127.0.0.1:${port}${API_PREFIX}/redirect_uri`
}

/**
 * httpd in the foreground on 127.0.0.1:`port`: the event MPM with a fixed pool of workers (two processes of 64
 * threads, never recycled, so that the CPU of the whole tree can be read over a window), keep-alive like the
 * Node servers, access log to /dev/null as theirs.
 */
export async function startApache (options: { port: number, issuer: string, upstream: string }): Promise<Apache> {
  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-bench-apache-'))
  const origin = `http://127.0.0.1:${options.port}`
  const load = (name: string, file: string): string => `LoadModule ${name} ${MODULES}/${file}`
  const conf = [
    `ServerRoot ${dir}`,
    `Listen 127.0.0.1:${options.port}`,
    'ServerName 127.0.0.1',
    `PidFile ${dir}/httpd.pid`,
    `ErrorLog ${dir}/error.log`,
    `LogLevel ${process.env.APACHE_LOG_LEVEL ?? 'warn'}`,
    load('mpm_event_module', 'mod_mpm_event.so'),
    load('authn_core_module', 'mod_authn_core.so'),
    load('authz_core_module', 'mod_authz_core.so'),
    load('authz_user_module', 'mod_authz_user.so'),
    load('headers_module', 'mod_headers.so'),
    load('proxy_module', 'mod_proxy.so'),
    load('proxy_http_module', 'mod_proxy_http.so'),
    load('auth_openidc_module', 'mod_auth_openidc.so'),
    'User nobody',
    'Group nogroup',
    'StartServers 2',
    'ServerLimit 2',
    'ThreadsPerChild 64',
    'ThreadLimit 64',
    'MinSpareThreads 1',
    'MaxSpareThreads 128',
    'MaxRequestWorkers 128',
    'MaxConnectionsPerChild 0',
    'KeepAlive On',
    'MaxKeepAliveRequests 0',
    'KeepAliveTimeout 75',
    'LogFormat "%h %l %u %t \\"%r\\" %>s %b %D" timed',
    'CustomLog /dev/null timed',
    `OIDCProviderMetadataURL ${options.issuer}/.well-known/openid-configuration`,
    `OIDCClientID ${BENCH_CLIENT_ID}`,
    `OIDCClientSecret "${BENCH_CLIENT_SECRET}"`,
    `OIDCRedirectURI ${apacheRedirectUri(options.port)}`,
    `OIDCCryptoPassphrase ${randomBytes(32).toString('hex')}`,
    'OIDCScope "openid email profile"',
    'OIDCPKCEMethod S256',
    'OIDCSessionInactivityTimeout 3600',
    'OIDCSessionMaxDuration 7200',
    // The tokens and claims as environment variables only: no extra request headers on their way upstream.
    'OIDCPassClaimsAs environment',
    `<Location ${API_PREFIX}/>`,
    '  AuthType openid-connect',
    '  Require valid-user',
    '  RequestHeader set Authorization "Bearer %{OIDC_access_token}e"',
    '  RequestHeader unset Cookie',
    `  ProxyPass ${options.upstream}/ keepalive=On`,
    '</Location>',
    ''
  ].join('\n')
  await writeFile(join(dir, 'httpd.conf'), conf)
  const child: ChildProcess = spawn(APACHE_BIN, ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'inherit'] })
  const errorLog = async (): Promise<string> => await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')
  // Ready when it answers on its port.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`httpd exited with code ${child.exitCode}: ${await errorLog()}`)
    try {
      await fetch(`${origin}/`)
      break
    } catch {
      if (attempt > 100) throw new Error(`httpd did not listen within 10 s: ${await errorLog()}`)
      await sleep(100)
    }
  }
  return {
    pid: child.pid!,
    origin,
    redirectUri: apacheRedirectUri(options.port),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    }
  }
}
