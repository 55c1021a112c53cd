import t from 'tap'
import { forwardRequestHeaders, forwardResponseHeaders } from '../../../src/proxy/headers.js'
import { restPathIssues, splitProxyUrl, upstreamPath } from '../../../src/proxy/path.js'

// The pure parts of /api/proxy: where a URL goes (the rest of the path as sent, never above the route's base path),
// and which headers cross in each direction.

t.test('splitProxyUrl: the name and the raw rest, query apart', async t => {
  t.same(splitProxyUrl('/api/proxy/orders/a/b%2Fc?x=1&y=%20', '/api/proxy'), { name: 'orders', target: { rest: '/a/b%2Fc', query: 'x=1&y=%20' } })
  t.same(splitProxyUrl('/api/proxy/orders', '/api/proxy'), { name: 'orders', target: { rest: '', query: undefined } })
  t.same(splitProxyUrl('/api/proxy/orders/', '/api/proxy'), { name: 'orders', target: { rest: '/', query: undefined } })
  t.same(splitProxyUrl('/api/proxy/orders?', '/api/proxy'), { name: 'orders', target: { rest: '', query: '' } })
  t.equal(splitProxyUrl('/api/proxy/%6frders/a', '/api/proxy'), undefined, 'an encoded name is no name')
  t.equal(splitProxyUrl('/api/proxy//orders', '/api/proxy'), undefined)
  t.equal(splitProxyUrl('/api/proxyorders/a', '/api/proxy'), undefined)
  t.equal(splitProxyUrl('/api/proxy/Orders/a', '/api/proxy'), undefined)
})

t.test('restPathIssues: encoded paths stay, escapes above the base path are refused in every encoding', async t => {
  for (const fine of ['', '/', '/a/b', '/a/b%2Fc', '/a%20b', '/a/.well-known/x', '/a/..b', '/a/b..', '/a/...', '/%E2%82%AC', '/a//b', '/a;b=1', '/%25zz']) {
    t.same(restPathIssues(fine), [], `${fine} is fine`)
  }
  const escapes = [
    '/..', '/../x', '/a/../../x', '/.', '/a/./b', '/%2e%2e/x', '/%2E%2E/x', '/%2e./x', '/.%2E/x', '/..%2f..%2fx', '/a%2f..%2f..',
    '/%252e%252e/x', '/%25252e%25252e/x', '/..;/x', '/..;jsessionid=1/x', '/a\\..\\b', '/a%5c..%5cb', '/a%255c..', '/a%00b', '/a%0d%0aX-Injected:1',
    '/a%zz', 'x'
  ]
  for (const escape of escapes) t.ok(restPathIssues(escape).length > 0, `${escape} is refused`)
  t.match(restPathIssues('/%2e%2e/x')[0], { path: '', message: /\.\./ })
  t.match(restPathIssues('/%2525252e%2525252e')[0], { message: /too many times/ })
})

t.test('upstreamPath: the base path, the rest as sent, the query as sent', async t => {
  t.equal(upstreamPath('/v1', { rest: '/a/b%2Fc', query: 'q=%2F' }), '/v1/a/b%2Fc?q=%2F')
  t.equal(upstreamPath('', { rest: '', query: undefined }), '/')
  t.equal(upstreamPath('/v1', { rest: '', query: undefined }), '/v1')
  t.equal(upstreamPath('', { rest: '/x', query: '' }), '/x?')
})

t.test('forwardRequestHeaders: no credentials, hop-by-hop or client-address headers of the browser', async t => {
  const headers = forwardRequestHeaders({
    host: 'app.example.com',
    cookie: 'ory_session_x=secret',
    authorization: 'Bearer spoofed',
    'proxy-authorization': 'Basic x',
    'x-session-token': 'ory_st_secret',
    connection: 'keep-alive, X-Secret-Hop',
    'x-secret-hop': 'drop me',
    'keep-alive': 'timeout=5',
    te: 'trailers',
    trailer: 'x',
    'transfer-encoding': 'chunked',
    upgrade: 'websocket',
    'proxy-connection': 'keep-alive',
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    'x-forwarded-port': '1',
    'x-forwarded-prefix': '/admin',
    forwarded: 'for=6.6.6.6;host=evil.example',
    'x-real-ip': '6.6.6.6',
    'x-request-id': 'theirs',
    expect: '100-continue',
    accept: 'application/json',
    'content-type': 'application/json',
    'content-length': '2',
    'x-custom': 'kept'
  }, 'jwt', { ip: '203.0.113.7', protocol: 'https', host: 'app.example.com', requestId: 'rid' })
  t.same(headers, {
    accept: 'application/json',
    'content-type': 'application/json',
    'content-length': '2',
    'x-custom': 'kept',
    authorization: 'Bearer jwt',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'app.example.com',
    'x-request-id': 'rid'
  })
})

t.test('forwardResponseHeaders: no hop-by-hop headers, Set-Cookie or CORS from the API', async t => {
  t.same(forwardResponseHeaders({
    'content-type': 'text/plain',
    'cache-control': 'max-age=60',
    'set-cookie': ['a=1', 'b=2'],
    connection: 'close, X-Hop',
    'x-hop': '1',
    'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked',
    'access-control-allow-origin': '*',
    'www-authenticate': 'Bearer error="invalid_token"',
    etag: '"1"',
    'x-undefined': undefined
  }), { 'content-type': 'text/plain', 'cache-control': 'max-age=60', 'www-authenticate': 'Bearer error="invalid_token"', etag: '"1"' })
})
