/**
 * "This request's client address": the one answer every per-address rule
 * (open connections, wrong chat codes) uses, for WebSocket upgrades and the
 * HTTP API alike.
 *
 * Behind a TLS reverse proxy every request comes from the proxy, so its
 * address says nothing about the visitor. Only when the peer is one of the
 * configured `trustedProxies` does the service believe the headers such a
 * proxy adds: `X-Forwarded-For` (walked from the right, past further trusted
 * proxies) or else `X-Real-IP`. Anyone else can write those headers too, so
 * for a direct client they are ignored.
 *
 * The address lives only in memory (the limiter's maps, the connection);
 * nothing here logs or stores it.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** One `trustedProxies` entry: an IPv4/IPv6 address, or a CIDR such as `10.0.0.0/8` or `fd00::/8`. */
export function parseProxyEntry( entry: string ): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
	const m = /^([^/]+?)(?:\/(\d{1,3}))?$/.exec( entry.trim() );
	if ( ! m ) return null;
	const version = isIP( m[ 1 ] );
	// A zone id (fe80::1%eth0) names an interface of one machine: not a proxy's address.
	if ( version === 0 || m[ 1 ].includes( '%' ) ) return null;
	const max = version === 4 ? 32 : 128;
	const prefix = m[ 2 ] === undefined ? max : Number( m[ 2 ] );
	if ( prefix > max ) return null;
	return { address: m[ 1 ], prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * One spelling per address, so that a visitor is one key in the limiter
 * however the address reached us: an IPv4 client of a dual-stack socket
 * (`::ffff:203.0.113.7`) is the IPv4 address, and IPv6 is lower-case and
 * compressed. Null for anything that is not a bare address.
 */
export function normalizeAddress( raw: string ): string | null {
	const a = raw.trim();
	const version = isIP( a );
	if ( version === 4 ) return a;
	if ( version !== 6 ) return null;
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec( a );
	if ( mapped ) return mapped[ 1 ];
	try {
		// The WHATWG URL parser prints IPv6 in its canonical (RFC 5952) form.
		return new URL( `http://[${ a }]/` ).hostname.slice( 1, -1 );
	} catch {
		return a.toLowerCase(); // a zone id (fe80::1%eth0), which URL refuses
	}
}

/**
 * An address as a proxy may write it in X-Forwarded-For: bare, or with a port
 * (`203.0.113.7:4711`, `[2001:db8::7]:4711`), which some proxies append.
 */
function forwardedAddress( item: string ): string | null {
	const s = item.trim();
	const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec( s );
	if ( bracketed ) return normalizeAddress( bracketed[ 1 ] );
	const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec( s );
	if ( v4WithPort ) return normalizeAddress( v4WithPort[ 1 ] );
	return normalizeAddress( s );
}

/** Node joins repeated headers with ", " for X-Forwarded-For; an array is possible for others. */
function headerText( value: string | string[] | undefined ): string {
	return Array.isArray( value ) ? value.join( ',' ) : value ?? '';
}

export class ClientAddresses {
	private readonly trusted = new BlockList();
	private readonly any: boolean;

	/** `entries` are checked by the config (parseProxyEntry); a bad one here is a programming error. */
	constructor( entries: readonly string[] ) {
		for ( const entry of entries ) {
			const p = parseProxyEntry( entry );
			if ( ! p ) throw new Error( `not an address or CIDR: ${ entry }` );
			this.trusted.addSubnet( p.address, p.prefix, p.family );
		}
		this.any = entries.length > 0;
	}

	/** Whether a (normalised) address is one of the trusted proxies. */
	isTrusted( address: string ): boolean {
		if ( ! this.any ) return false;
		return this.trusted.check( address, isIP( address ) === 6 ? 'ipv6' : 'ipv4' );
	}

	/** The client address of one request (an HTTP request or a WebSocket upgrade). */
	of( req: IncomingMessage ): string {
		return this.resolve( req.socket.remoteAddress ?? '', req.headers[ 'x-forwarded-for' ], req.headers[ 'x-real-ip' ] );
	}

	/** The rule itself, on plain values (for `of` and the unit test). */
	resolve( peer: string, forwardedFor?: string | string[], realIp?: string | string[] ): string {
		const direct = normalizeAddress( peer ) ?? peer;
		if ( ! this.isTrusted( direct ) ) return direct;

		const fromForwarded = this.fromForwardedFor( headerText( forwardedFor ) );
		if ( fromForwarded ) return fromForwarded;
		// X-Real-IP is one address, set (not appended) by the proxy.
		const real = forwardedAddress( headerText( realIp ) );
		if ( real ) return real;
		// A trusted proxy that says nothing usable: the proxy's own address
		// (its own requests, e.g. a health check, or a misconfiguration).
		return direct;
	}

	/**
	 * Each proxy appends the address it saw, so the list is read from the
	 * right: addresses of trusted proxies are skipped, and the first one that
	 * is not is the visitor. Everything left of it was written by the visitor
	 * (or by proxies we know nothing of) and proves nothing. An unreadable item
	 * before any visitor address ends the walk: nothing to its left can be
	 * believed, so the header gives no answer. All trusted: the leftmost, the
	 * proxy that made the request itself.
	 */
	private fromForwardedFor( header: string ): string | null {
		if ( header.trim() === '' ) return null;
		const items = header.split( ',' );
		let last: string | null = null;
		for ( let i = items.length - 1; i >= 0; i-- ) {
			// Empty items come from an empty repeated header ("a, ").
			if ( items[ i ].trim() === '' ) continue;
			const address = forwardedAddress( items[ i ] );
			if ( ! address ) return null;
			if ( ! this.isTrusted( address ) ) return address;
			last = address;
		}
		return last;
	}
}
