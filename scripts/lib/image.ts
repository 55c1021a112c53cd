import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// What the image runs, read from the Dockerfile's CMD, so that whatever measures or tests "the server as the image
// runs it" (the benchmarks, the start-up measurement, the image test) runs it with the same node options.

const DOCKERFILE = fileURLToPath(new URL('../../Dockerfile', import.meta.url))

/** The exec-form array of a Dockerfile instruction (CMD, HEALTHCHECK … CMD), continuation lines joined. */
export function execForm (dockerfile: string, instruction: RegExp): string[] {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ')
  const match = joined.match(instruction)
  if (match === null) throw new Error(`no ${String(instruction)} in the Dockerfile`)
  return JSON.parse(match[1]!) as string[]
}

export interface ImageCommand {
  /** The CMD as written. */
  cmd: string[]
  /** The options given to node before the entry script (V8's heap settings, say). */
  nodeOptions: string[]
  /** The entry script, relative to the image's /app. */
  entry: string
  /**
   * The final stage's ENV settings that change how the process runs rather than what it serves (the C library's
   * allocator settings): whatever measures the server as the image runs it sets these too. NODE_ENV, PORT and HOST
   * are left out: each caller says where its server listens.
   */
  env: Record<string, string>
}

const SERVED = new Set(['NODE_ENV', 'PORT', 'HOST'])

/** The `KEY=value` pairs of the last stage's ENV instructions (continuation lines joined; values without quotes). */
export function finalStageEnv (dockerfile: string): Record<string, string> {
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  const joined = finalStage.replace(/\\\n\s*/g, ' ')
  const env: Record<string, string> = {}
  for (const [, pairs] of joined.matchAll(/^ENV (.*)$/gm)) {
    for (const pair of pairs!.trim().split(/\s+/)) {
      const at = pair.indexOf('=')
      if (at <= 0 || /["'$]/.test(pair)) throw new Error(`the image's ENV is not KEY=value pairs without quotes: ${pair}`)
      env[pair.slice(0, at)] = pair.slice(at + 1)
    }
  }
  return env
}

export function imageCommand (dockerfile: string = readFileSync(DOCKERFILE, 'utf8')): ImageCommand {
  const cmd = execForm(dockerfile, /^CMD (\[.*\])$/m)
  if (cmd[0] !== 'node' || cmd.length < 2) throw new Error(`the image's CMD is not node <options…> <script>: ${JSON.stringify(cmd)}`)
  const env = Object.fromEntries(Object.entries(finalStageEnv(dockerfile)).filter(([name]) => !SERVED.has(name)))
  return { cmd, nodeOptions: cmd.slice(1, -1), entry: cmd[cmd.length - 1]!, env }
}
