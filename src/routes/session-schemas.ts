import { Type, type Static } from '@sinclair/typebox'
import { ref } from '../schemas/ref.js'

// The BFF's own session answers for the SPA: a view of Ory's session with what a page needs, and nothing that only
// Ory's admin or the server should see (credentials, recovery addresses, metadata_admin).

const DateTime = Type.String({ format: 'date-time' })

export const SpaSession = Type.Object({
  active: Type.Boolean(),
  identity: Type.Object({
    id: Type.String(),
    schema_id: Type.String(),
    traits: Type.Unknown({ description: 'The identity\'s traits, as its identity schema defines them.' }),
    verifiable_addresses: Type.Array(Type.Unknown(), { description: 'Ory\'s verifiableIdentityAddress objects.' }),
    metadata_public: Type.Unknown({ description: 'Public metadata (null when there is none).' })
  }),
  authenticator_assurance_level: Type.Optional(Type.String({ description: 'aal0 … aal3' })),
  authentication_methods: Type.Array(Type.Unknown(), { description: 'Ory\'s sessionAuthenticationMethod objects.' }),
  expires_at: Type.Optional(DateTime),
  authenticated_at: Type.Optional(DateTime)
}, { $id: 'SpaSession', description: 'The signed-in user\'s session, from Ory\'s whoami (cached for SESSION_CACHE_TTL_MS at most).' })

export type SpaSessionBody = Static<typeof SpaSession>

export const DeviceSession = Type.Object({
  id: Type.String(),
  current: Type.Boolean({ description: 'Whether this is the session of the request.' }),
  active: Type.Boolean(),
  authenticator_assurance_level: Type.Optional(Type.String()),
  authentication_methods: Type.Array(Type.Unknown()),
  authenticated_at: Type.Optional(DateTime),
  expires_at: Type.Optional(DateTime),
  issued_at: Type.Optional(DateTime),
  devices: Type.Array(Type.Object({
    id: Type.String(),
    ip_address: Type.Optional(Type.String()),
    user_agent: Type.Optional(Type.String()),
    location: Type.Optional(Type.String())
  }))
}, { $id: 'DeviceSession', description: 'One of the user\'s sessions and the devices it was used from.' })

export const SessionDevices = Type.Object({
  sessions: Type.Array(ref<Static<typeof DeviceSession>>('DeviceSession')),
  next_page_token: Type.Optional(Type.String({ description: 'Pass as page_token for the next page; absent on the last.' }))
}, { $id: 'SessionDevices', description: 'The user\'s sessions: the current one first (on the first page), then the others, as Ory lists them.' })

export type SessionDevicesBody = Static<typeof SessionDevices>

export const RevokedSessions = Type.Object({
  count: Type.Integer({ description: 'How many of the other sessions were revoked.' })
}, { $id: 'RevokedSessions' })

/** Registered once by the app (`addSchema`), so that /openapi.json lists them as components. */
export const SESSION_SCHEMAS = [SpaSession, DeviceSession, SessionDevices, RevokedSessions]

export const spaSessionRef = ref<SpaSessionBody>('SpaSession')
export const sessionDevicesRef = ref<SessionDevicesBody>('SessionDevices')
export const revokedSessionsRef = ref<Static<typeof RevokedSessions>>('RevokedSessions')
