import { spawn, type ChildProcess } from 'node:child_process'
import { freePort } from './common.js'

// A redis-server of the run's own on a free loopback port, nothing written to disk (Debian's; REDIS_SERVER names
// another binary).

const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server'

export async function startRedis (): Promise<{ process: ChildProcess, url: string }> {
  const port = await freePort()
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', code => reject(new Error(`redis-server exited with code ${code}: ${output.slice(-400)}`)))
    child.once('error', reject)
  })
  child.stdout!.resume()
  return { process: child, url: `redis://127.0.0.1:${port}` }
}
