import { createHmac } from 'node:crypto';
import { parseConfig } from '../../server/config';
import { MAX_TOKEN_LIFETIME_S, signToken, verifyToken } from '../../server/tokens';

const site = parseConfig( { sites: [ { id: 'demo', secret: 's'.repeat( 40 ), origins: [ 'http://example.test' ] } ] } ).sites[ 0 ];
const sites = new Map( [ [ site.id, site ] ] );
const b64 = ( o: unknown ) => Buffer.from( JSON.stringify( o ) ).toString( 'base64url' );
/** Builds a JWT by hand, the way WordPress's PHP does, so both sides agree on the format. */
const handMade = ( header: object, claims: object, secret = site.secret ) => {
	const data = `${ b64( header ) }.${ b64( claims ) }`;
	return `${ data }.${ createHmac( 'sha256', secret ).update( data ).digest( 'base64url' ) }`;
};
const now = Date.now();
const iat = Math.floor( now / 1000 );
const claims = { iss: 'demo', aud: 'consent-chat', sub: 'v_1', role: 'visitor', iat, exp: iat + 600 };

describe( 'verifyToken', () => {
	it( 'accepts a token signed like WordPress signs it', () => {
		const r = verifyToken( handMade( { alg: 'HS256', typ: 'JWT' }, { ...claims, role: 'agent', sub: 'wp:3', name: 'Ada', depts: [ 'sales' ] } ), sites, now );
		expect( r ).toEqual( {
			ok: true,
			identity: { site, role: 'agent', subject: 'wp:3', name: 'Ada', depts: [ 'sales' ], maxChats: 3, issuedAt: iat * 1000, expiresAt: ( iat + 600 ) * 1000 },
		} );
	} );

	it( 'round-trips signToken', () => {
		const r = verifyToken( signToken( site, { role: 'visitor', sub: 'v_2' } ), sites );
		expect( r.ok && r.identity.subject ).toBe( 'v_2' );
	} );

	it.each( [
		[ 'garbage', 'not-a-jwt' ],
		[ 'wrong secret', handMade( { alg: 'HS256' }, claims, 'x'.repeat( 40 ) ) ],
		[ 'alg none', `${ b64( { alg: 'none' } ) }.${ b64( claims ) }.` ],
		[ 'alg HS512', handMade( { alg: 'HS512' }, claims ) ],
		[ 'unknown site', handMade( { alg: 'HS256' }, { ...claims, iss: 'other' } ) ],
		[ 'wrong audience', handMade( { alg: 'HS256' }, { ...claims, aud: 'someone-else' } ) ],
		[ 'unknown role', handMade( { alg: 'HS256' }, { ...claims, role: 'admin' } ) ],
		[ 'no subject', handMade( { alg: 'HS256' }, { ...claims, sub: '' } ) ],
		[ 'too long a life', handMade( { alg: 'HS256' }, { ...claims, exp: iat + MAX_TOKEN_LIFETIME_S + 60 } ) ],
	] )( 'refuses %s with bad_token', ( _label, token ) => {
		expect( verifyToken( token, sites, now ) ).toMatchObject( { ok: false, code: 'bad_token' } );
	} );

	it( 'refuses a tampered payload', () => {
		const [ h, , s ] = handMade( { alg: 'HS256' }, claims ).split( '.' );
		const forged = `${ h }.${ b64( { ...claims, role: 'agent' } ) }.${ s }`;
		expect( verifyToken( forged, sites, now ) ).toMatchObject( { ok: false, code: 'bad_token' } );
	} );

	it( 'refuses an expired token with token_expired', () => {
		const old = handMade( { alg: 'HS256' }, { ...claims, iat: iat - 1200, exp: iat - 600 } );
		expect( verifyToken( old, sites, now ) ).toMatchObject( { ok: false, code: 'token_expired' } );
	} );
} );
