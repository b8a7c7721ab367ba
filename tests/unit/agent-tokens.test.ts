import { accessEndsAt, admitAgent, checkRenewal } from '../../server/agent-tokens';
import { parseConfig } from '../../server/config';
import { Revocations } from '../../server/revocations';
import { CLOCK_TOLERANCE_S, signToken, verifyToken, type Identity } from '../../server/tokens';

const config = parseConfig( {
	sites: [
		{ id: 'demo', secret: 's'.repeat( 40 ), origins: [ 'http://example.test' ] },
		{ id: 'other', secret: 'o'.repeat( 40 ), origins: [ 'http://other.test' ] },
	],
} );
const [ site, other ] = config.sites;
const sites = new Map( config.sites.map( ( s ) => [ s.id, s ] ) );
let now = 1_800_000_000_000;
const revocations = new Revocations( 3_600_000, () => now );

const identity = ( token: string ): Identity => {
	const r = verifyToken( token, sites, now );
	if ( ! r.ok ) throw new Error( r.message );
	return r.identity as Identity;
};
const agentToken = ( sub = 'wp:1', at = now, s = site ) => signToken( s, { role: 'agent', sub, depts: [ 'sales' ] }, 300, at );

test( 'an agent token is admitted unless WordPress revoked the agent after issuing it', () => {
	const old = identity( agentToken() );
	expect( admitAgent( old, revocations ) ).toBeNull();
	revocations.revoke( 'demo', 'wp:1' );
	expect( admitAgent( old, revocations ) ).toMatchObject( { code: 'token_revoked' } );
	now += 2000;
	expect( admitAgent( identity( agentToken() ), revocations ) ).toBeNull();
} );

test( 'a renewal must be a valid, unrevoked token of the same agent on the same site', () => {
	const current = identity( agentToken( 'wp:2' ) );
	const fresh = signToken( site, { role: 'agent', sub: 'wp:2', depts: [] }, 300, now + 1000 );
	const ok = checkRenewal( current, verifyToken( fresh, sites, now + 1000 ), revocations );
	expect( ok ).toMatchObject( { ok: true, identity: { subject: 'wp:2', depts: [] } } );

	expect( checkRenewal( current, verifyToken( 'nonsense', sites, now ), revocations ) ).toMatchObject( { ok: false, code: 'bad_token' } );
	expect( checkRenewal( current, verifyToken( agentToken( 'wp:3' ), sites, now ), revocations ) ).toMatchObject( { ok: false, code: 'forbidden' } );
	const visitor = signToken( site, { role: 'visitor', sub: 'wp:2' }, 300, now );
	expect( checkRenewal( current, verifyToken( visitor, sites, now ), revocations ) ).toMatchObject( { ok: false, code: 'forbidden' } );
	const elsewhere = agentToken( 'wp:2', now, other );
	expect( checkRenewal( current, verifyToken( elsewhere, sites, now ), revocations ) ).toMatchObject( { ok: false, code: 'forbidden' } );

	// Revoked after the fresh token was issued: that one renews nothing either.
	now += 5000;
	revocations.revoke( 'demo', 'wp:2' );
	expect( checkRenewal( current, verifyToken( fresh, sites, now ), revocations ) ).toMatchObject( { ok: false, code: 'token_revoked' } );
} );

test( 'an open agent connection’s access ends with its token, with the same tolerance as hello', () => {
	const id = identity( agentToken() );
	expect( accessEndsAt( id ) ).toBe( id.expiresAt + CLOCK_TOLERANCE_S * 1000 );
} );
