import { Type, type Static } from '@sinclair/typebox'
import { ref } from '../schemas/ref.js'

// The BFF's own OAuth2 answers for the SPA. No token is ever part of them: the browser holds the BFF's cookies only.

const DateTime = Type.String({ format: 'date-time' })

export const OAuth2User = Type.Object({
  signed_in: Type.Literal(true),
  sub: Type.String({ description: 'The subject: the user\'s id at the provider.' }),
  claims: Type.Record(Type.String(), Type.Unknown(), { description: 'The ID-token and userinfo claims allowed by OAUTH2_USER_CLAIMS.' }),
  expires_at: Type.String({ format: 'date-time', description: 'When the session ends unless the tokens are refreshed again.' }),
  access_token_expires_at: DateTime
}, { $id: 'OAuth2User', description: 'The user signed in through /api/oauth2/login.' })

export type OAuth2UserBody = Static<typeof OAuth2User>

export const OAuth2Logout = Type.Object({
  logout_url: Type.Union([Type.String(), Type.Null()], { description: 'The provider\'s end-session URL to navigate to, or null.' })
}, { $id: 'OAuth2Logout' })

export const OAUTH2_SCHEMAS = [OAuth2User, OAuth2Logout]
export type OAuth2LogoutBody = Static<typeof OAuth2Logout>
export const oauth2UserRef = ref<OAuth2UserBody>('OAuth2User')
export const oauth2LogoutRef = ref<OAuth2LogoutBody>('OAuth2Logout')
