/**
 * Whose request is this: the rule every per-address limit relies on. Headers
 * are believed only from a trusted proxy, read from the right, and anything
 * unreadable falls back to an address the service saw for itself.
 */
import type { IncomingMessage } from 'node:http';
import { ClientAddresses, normalizeAddress, parseProxyEntry } from '../../server/client-address';
import { ConfigError, configFromEnv, parseConfig } from '../../server/config';

const SITE = { id: 'test', secret: 't'.repeat( 48 ), origins: [ 'http://site.test' ] };

function request( peer: string | undefined, headers: Record< string, string | string[] > = {} ): IncomingMessage {
	return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
}

describe( 'client address without trusted proxies (the default)', () => {
	const none = new ClientAddresses( [] );

	it( 'is the peer, whatever headers a client sends', () => {
		expect( none.resolve( '203.0.113.7', '198.51.100.1', '198.51.100.2' ) ).toBe( '203.0.113.7' );
		expect( none.of( request( '203.0.113.7', { 'x-forwarded-for': '198.51.100.1', 'x-real-ip': '198.51.100.2' } ) ) ).toBe( '203.0.113.7' );
	} );

	it( 'counts an IPv4 client of a dual-stack socket as its IPv4 address', () => {
		expect( none.resolve( '::ffff:127.0.0.1' ) ).toBe( '127.0.0.1' );
	} );

	it( 'is the empty string for a socket already gone (as before)', () => {
		expect( none.of( request( undefined ) ) ).toBe( '' );
	} );
} );

describe( 'client address behind trusted proxies', () => {
	const proxies = new ClientAddresses( [ '127.0.0.1', '10.0.0.0/8', 'fd00::/8' ] );

	it( 'ignores the headers of a peer that is not a trusted proxy', () => {
		expect( proxies.resolve( '203.0.113.7', '198.51.100.1' ) ).toBe( '203.0.113.7' );
		expect( proxies.resolve( '203.0.113.7', undefined, '198.51.100.2' ) ).toBe( '203.0.113.7' );
		// 127.0.0.2 is not 127.0.0.1: an exact address is not a network.
		expect( proxies.resolve( '127.0.0.2', '198.51.100.1' ) ).toBe( '127.0.0.2' );
	} );

	it( 'takes the visitor from X-Forwarded-For when the peer is trusted', () => {
		expect( proxies.resolve( '127.0.0.1', '198.51.100.1' ) ).toBe( '198.51.100.1' );
		expect( proxies.of( request( '10.1.2.3', { 'x-forwarded-for': '198.51.100.1' } ) ) ).toBe( '198.51.100.1' );
	} );

	it( 'takes the rightmost address that is not a trusted proxy, so a forged start of the chain is ignored', () => {
		// The visitor wrote "1.1.1.1, 2.2.2.2"; the proxy appended what it saw.
		expect( proxies.resolve( '127.0.0.1', '1.1.1.1, 2.2.2.2, 198.51.100.1' ) ).toBe( '198.51.100.1' );
		// Two trusted proxies in a row (a load balancer, then nginx).
		expect( proxies.resolve( '127.0.0.1', '1.1.1.1, 198.51.100.1, 10.9.9.9' ) ).toBe( '198.51.100.1' );
		// Repeated headers, as Node joins them.
		expect( proxies.resolve( '127.0.0.1', [ '1.1.1.1', '198.51.100.1, 10.0.0.5' ] ) ).toBe( '198.51.100.1' );
	} );

	it( 'is the leftmost hop when every hop is a trusted proxy (the proxy\'s own request)', () => {
		expect( proxies.resolve( '127.0.0.1', '10.0.0.5, 10.0.0.6' ) ).toBe( '10.0.0.5' );
	} );

	it( 'falls back to X-Real-IP, then to the proxy itself', () => {
		expect( proxies.resolve( '127.0.0.1', undefined, '198.51.100.2' ) ).toBe( '198.51.100.2' );
		expect( proxies.resolve( '127.0.0.1', '', '198.51.100.2' ) ).toBe( '198.51.100.2' );
		expect( proxies.resolve( '127.0.0.1' ) ).toBe( '127.0.0.1' );
		// X-Forwarded-For wins over X-Real-IP when both name someone.
		expect( proxies.resolve( '127.0.0.1', '198.51.100.1', '198.51.100.2' ) ).toBe( '198.51.100.1' );
	} );

	it( 'believes nothing left of an unreadable item, and never returns garbage', () => {
		expect( proxies.resolve( '127.0.0.1', '198.51.100.1, not-an-ip', '198.51.100.2' ) ).toBe( '198.51.100.2' );
		expect( proxies.resolve( '127.0.0.1', '198.51.100.1, not-an-ip' ) ).toBe( '127.0.0.1' );
		for ( const junk of [ 'unknown', '<script>', '1.2.3', '999.1.1.1', '1.2.3.4 5.6.7.8', 'x'.repeat( 5000 ), '::ffff:', '[::1' ] ) {
			const got = proxies.resolve( '127.0.0.1', junk, junk );
			expect( got ).toBe( '127.0.0.1' );
		}
		// An unreadable item left of the visitor does not matter: the walk stops at the visitor.
		expect( proxies.resolve( '127.0.0.1', 'garbage, 198.51.100.1' ) ).toBe( '198.51.100.1' );
		// Empty items (an empty repeated header) are skipped.
		expect( proxies.resolve( '127.0.0.1', '198.51.100.1, , ' ) ).toBe( '198.51.100.1' );
	} );

	it( 'reads addresses with a port, as some proxies write them', () => {
		expect( proxies.resolve( '127.0.0.1', '198.51.100.1:4711' ) ).toBe( '198.51.100.1' );
		expect( proxies.resolve( '127.0.0.1', '[2001:db8::7]:4711' ) ).toBe( '2001:db8::7' );
		expect( proxies.resolve( '127.0.0.1', '[2001:db8::7]' ) ).toBe( '2001:db8::7' );
	} );

	it( 'handles IPv6 proxies and visitors, in one spelling per address', () => {
		expect( proxies.resolve( 'fd12::1', '2001:DB8:0:0::7' ) ).toBe( '2001:db8::7' );
		expect( proxies.resolve( 'fd12::1', '2001:db8::7, fd00::2' ) ).toBe( '2001:db8::7' );
		expect( proxies.resolve( '2001:db8::99', '198.51.100.1' ) ).toBe( '2001:db8::99' );
	} );

	it( 'treats an IPv4-mapped IPv6 peer like its IPv4 address', () => {
		expect( proxies.resolve( '::ffff:127.0.0.1', '198.51.100.1' ) ).toBe( '198.51.100.1' );
		expect( proxies.resolve( '::ffff:10.2.3.4', '198.51.100.1' ) ).toBe( '198.51.100.1' );
		// ...and a mapped address in the header too: one visitor, one key.
		expect( proxies.resolve( '127.0.0.1', '::ffff:198.51.100.1' ) ).toBe( '198.51.100.1' );
		expect( proxies.resolve( '127.0.0.1', '198.51.100.1, ::ffff:10.0.0.1' ) ).toBe( '198.51.100.1' );
	} );
} );

describe( 'address helpers', () => {
	it( 'parses addresses and CIDRs, and refuses anything else', () => {
		expect( parseProxyEntry( '127.0.0.1' ) ).toEqual( { address: '127.0.0.1', prefix: 32, family: 'ipv4' } );
		expect( parseProxyEntry( ' 10.0.0.0/8 ' ) ).toEqual( { address: '10.0.0.0', prefix: 8, family: 'ipv4' } );
		expect( parseProxyEntry( '::1' ) ).toEqual( { address: '::1', prefix: 128, family: 'ipv6' } );
		expect( parseProxyEntry( 'fd00::/8' ) ).toEqual( { address: 'fd00::', prefix: 8, family: 'ipv6' } );
		for ( const bad of [ '', 'localhost', '10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', '1.2.3.4:80', 'fe80::1%eth0', '*' ] ) {
			expect( parseProxyEntry( bad ) ).toBeNull();
		}
	} );

	it( 'normalises addresses', () => {
		expect( normalizeAddress( '::FFFF:192.0.2.1' ) ).toBe( '192.0.2.1' );
		expect( normalizeAddress( '2001:0DB8:0000::1' ) ).toBe( '2001:db8::1' );
		expect( normalizeAddress( 'nope' ) ).toBeNull();
	} );
} );

describe( 'the trustedProxies setting', () => {
	it( 'is empty by default', () => {
		expect( parseConfig( { sites: [ SITE ] } ).trustedProxies ).toEqual( [] );
	} );

	it( 'takes addresses and CIDRs from the file', () => {
		expect( parseConfig( { sites: [ SITE ], trustedProxies: [ '127.0.0.1', '::1', '10.0.0.0/8' ] } ).trustedProxies ).toEqual( [ '127.0.0.1', '::1', '10.0.0.0/8' ] );
	} );

	it( 'refuses an invalid entry, naming the setting and the entry', () => {
		expect( () => parseConfig( { sites: [ SITE ], trustedProxies: [ '127.0.0.1', 'my-proxy' ] } ) ).toThrow( ConfigError );
		expect( () => parseConfig( { sites: [ SITE ], trustedProxies: [ '127.0.0.1', 'my-proxy' ] } ) ).toThrow( /trustedProxies\.1: "my-proxy" is not an IPv4\/IPv6 address or CIDR/ );
		expect( () => parseConfig( { sites: [ SITE ], trustedProxies: '127.0.0.1' } ) ).toThrow( /trustedProxies/ );
	} );

	it( 'comes from CONSENT_CHAT_TRUSTED_PROXIES, comma-separated', () => {
		const env = { CONSENT_CHAT_SECRET: 's'.repeat( 40 ), CONSENT_CHAT_ORIGINS: 'https://a.test' };
		expect( configFromEnv( { ...env, CONSENT_CHAT_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,,fd00::/8' } ).trustedProxies ).toEqual( [ '127.0.0.1', '10.0.0.0/8', 'fd00::/8' ] );
		expect( configFromEnv( env ).trustedProxies ).toEqual( [] );
		expect( () => configFromEnv( { ...env, CONSENT_CHAT_TRUSTED_PROXIES: '127.0.0.1,300.0.0.1' } ) ).toThrow( /trustedProxies\.1: "300\.0\.0\.1"/ );
	} );
} );
