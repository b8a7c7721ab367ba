/**
 * Several service nodes as real processes (the built service,
 * child-service.ts) on one throw-away PostgreSQL (a fresh database) and one
 * throw-away Redis, behind Debian's nginx running docs/deploy/nginx.conf
 * (plain http) as the load balancer, all on free 127.0.0.1 ports: what a
 * cluster test kills, restarts and talks to.
 *
 * Every node runs with the same databaseUrl, redisUrl, sites and secret, a
 * data folder of its own, and trustedProxies 127.0.0.1 (where nginx connects
 * from), so behind nginx a node sees each client's own address. A client can
 * go through nginx (`connect( 'lb', … )`) or straight to one node
 * (`connect( cluster.nodes[ 1 ], … )`): a visitor on node 0 and its agent on
 * node 1. Through nginx, `node` says which node took it: nginx names the
 * nodes it tried in an `X-Upstream-Addr` header (scripts/nginx-site.cjs).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceConfigInput, SiteConfigInput } from '../../server/config';
import type { Role, ServerFrame } from '../../server/protocol';
import { signToken } from '../../server/tokens';
import { spawnService, type ChildService } from './child-service';
import { startNginx, type RunningNginx } from './nginx';
import { startPostgres, type TestPostgres } from './postgres';
import { startRedis, type RunningRedis } from './redis';
import { ORIGIN, SITE, type ExtraClaims } from './service';
import { TestClient } from './ws-client';

export interface ClusterNode {
	/** Its place in `cluster.nodes`. */
	index: number;
	/** Its port, the same after a restart (nginx's upstream names it). */
	port: number;
	/** http://127.0.0.1:port, for /readyz, /health, the HTTP API. */
	url: string;
	wsUrl: string;
	dataDir: string;
	/** The running process's id; null while the node is down. */
	pid(): number | null;
	running(): boolean;
	/** Sends `signal` (SIGKILL by default); resolves once the process has exited. */
	kill( signal?: NodeJS.Signals ): Promise< void >;
	/** Starts it again on its port and data folder (it must be down); resolves once /readyz answers 200. */
	restart(): Promise< void >;
	/** Everything it wrote to stdout and stderr, over every restart. */
	log(): string;
}

export interface ClusterOptions {
	/** How many nodes (2). */
	nodes?: number;
	/** The sites every node serves (the tests' SITE). Tokens are signed for the first. */
	sites?: SiteConfigInput[];
	/** More settings for every node (e.g. drainSeconds, agentGraceSeconds, limits). */
	service?: Partial< ServiceConfigInput >;
	/** Redis with RDB and AOF on (as production often runs; the default), or nothing persisted. */
	redisPersistence?: boolean;
}

export interface ConnectOptions {
	/** The display name in the token (agents: "Ann" unless given). */
	name?: string;
	extra?: ExtraClaims;
	/** A visitor picking up its running chat. */
	resume?: { chatId: string; code: string; lastSeq: number };
	/** The client's own source address in 127.0.0.0/8: a distinct visitor. */
	localAddress?: string;
}

export interface Connected {
	client: TestClient;
	welcome: Extract< ServerFrame, { type: 'welcome' } >;
	/** The node the connection is on. */
	node: ClusterNode;
	/** Through nginx: every node it tried, in order (the last took it). Direct: that node. */
	tried: ClusterNode[];
}

export interface Cluster {
	lbPort: number;
	/** http://127.0.0.1:<nginx>, the HTTP API through the load balancer. */
	lbHttpUrl: string;
	/** ws://127.0.0.1:<nginx>/ws. */
	lbWsUrl: string;
	nodes: ClusterNode[];
	postgres: TestPostgres;
	databaseUrl: string;
	redis: RunningRedis;
	/** A token of the first site. */
	token( role: Role, sub: string, name?: string, extra?: ExtraClaims ): string;
	/** A WebSocket through nginx (`'lb'`) or straight to a node, hello said; resolves after the welcome. */
	connect( to: ClusterNode | 'lb', role: Role, sub: string, options?: ConnectOptions ): Promise< Connected >;
	/** GET through nginx: the status, the JSON body, and which nodes nginx tried (the last answered). */
	viaLb( path: string ): Promise< { status: number; body: any; node: ClusterNode; tried: ClusterNode[] } >;
	/** The nodes named by an answer's X-Upstream-Addr header, in the order nginx tried them. */
	triedBy( headers: Headers | IncomingHttpHeaders ): ClusterNode[];
	/** nginx's error log so far. */
	lbErrors(): string;
	/** Stops everything (nodes by SIGKILL) and deletes every folder. Safe to call twice. */
	stop(): Promise< void >;
}

/** Each operation through nginx or to a node must be done within this, or the test says where it hung. */
const STEP_MS = 5000;

/**
 * Resolves once `url`/readyz answers 200. Readiness has no event to wait
 * for, so it asks every 50 ms, for at most `timeoutMs`.
 */
/** Whether the node is running and its log says it serves the site now (server/cluster/site-owners.ts logs each change). */
export function servesTheSite( node: ClusterNode ): boolean {
	const log = node.log();
	return node.running() && log.lastIndexOf( 'this node serves the site' ) > log.lastIndexOf( 'no longer serves the site' );
}

export async function untilReady( url: string, timeoutMs = 10_000 ): Promise< void > {
	const deadline = Date.now() + timeoutMs;
	let last = 'no answer';
	for ( ;; ) {
		try {
			const res = await fetch( `${ url }/readyz`, { signal: AbortSignal.timeout( STEP_MS ) } );
			if ( res.status === 200 ) return;
			last = `${ res.status } ${ await res.text() }`;
		} catch ( e ) {
			last = ( e as Error ).message;
		}
		if ( Date.now() > deadline ) throw new Error( `${ url }/readyz not 200 within ${ timeoutMs } ms (last: ${ last })` );
		await new Promise( ( r ) => setTimeout( r, 50 ) );
	}
}

/** One node: its process now, and a restart on the same port and folder. */
async function startNode( index: number, config: ServiceConfigInput ): Promise< ClusterNode & { remove(): Promise< void > } > {
	const dataDir = mkdtempSync( join( tmpdir(), `cc-node${ index }-` ) );
	let current: ChildService;
	try {
		current = await spawnService( config, dataDir );
	} catch ( e ) {
		rmSync( dataDir, { recursive: true, force: true } );
		throw e;
	}
	const { port } = current;
	const url = `http://127.0.0.1:${ port }`;
	let earlier = '';
	const running = (): boolean => current.process.exitCode === null && current.process.signalCode === null;
	return {
		index,
		port,
		url,
		wsUrl: `ws://127.0.0.1:${ port }/ws`,
		dataDir,
		pid: () => ( running() ? current.process.pid ?? null : null ),
		running,
		async kill( signal: NodeJS.Signals = 'SIGKILL' ) {
			if ( ! running() ) return;
			current.process.kill( signal );
			await current.exited;
		},
		async restart() {
			if ( running() ) throw new Error( `node ${ index } is still running (pid ${ current.process.pid }): kill it first` );
			earlier += `${ current.log() }\n--- node ${ index } started again ---\n`;
			current = await spawnService( config, dataDir, { port } );
			await untilReady( url );
		},
		log: () => earlier + current.log(),
		remove: () => current.remove(),
	};
}

/** The nodes in an X-Upstream-Addr value ("127.0.0.1:1, 127.0.0.1:2", " : " between internal redirects). */
function nodesIn( value: string | string[] | null | undefined, nodes: ClusterNode[] ): ClusterNode[] {
	const text = Array.isArray( value ) ? value.join( ', ' ) : value ?? '';
	const addrs = text.split( /\s*,\s*|\s+:\s+/ ).filter( Boolean );
	if ( addrs.length === 0 ) throw new Error( 'no X-Upstream-Addr header: did the answer come through the cluster\'s nginx?' );
	return addrs.map( ( a ) => {
		const node = nodes.find( ( n ) => a === `127.0.0.1:${ n.port }` );
		if ( ! node ) throw new Error( `nginx tried ${ a }, which is no node of this cluster (${ nodes.map( ( n ) => n.port ).join( ', ' ) })` );
		return node;
	} );
}

/**
 * Like Promise.all, but waits for every start to settle before throwing the
 * first failure, so each start that succeeded has registered its cleanup
 * and nothing is left running behind a failed start.
 */
async function allStarted< T >( starts: Array< Promise< T > > ): Promise< T[] > {
	const results = await Promise.allSettled( starts );
	const failed = results.find( ( r ): r is PromiseRejectedResult => r.status === 'rejected' );
	if ( failed ) throw failed.reason;
	return results.map( ( r ) => ( r as PromiseFulfilledResult< T > ).value );
}

export async function startCluster( { nodes: count = 2, sites = [ SITE ], service = {}, redisPersistence = true }: ClusterOptions = {} ): Promise< Cluster > {
	// Whatever started is stopped again if a later part fails.
	const cleanups: Array< () => Promise< void > | void > = [];
	const clients: TestClient[] = [];
	let stopped = false;
	const stop = async (): Promise< void > => {
		if ( stopped ) return;
		stopped = true;
		for ( const c of clients ) c.close();
		const results = await Promise.allSettled( cleanups.reverse().map( async ( f ) => f() ) );
		const failed = results.find( ( r ): r is PromiseRejectedResult => r.status === 'rejected' );
		if ( failed ) throw failed.reason;
	};
	try {
		const pgStart = startPostgres().then( ( pg ) => ( cleanups.push( () => pg.dispose() ), pg ) );
		const redisStart = startRedis( { persistence: redisPersistence } ).then( ( r ) => ( cleanups.push( () => r.stop() ), r ) );
		await allStarted< unknown >( [ pgStart, redisStart ] );
		const [ postgres, redis ] = [ await pgStart, await redisStart ];
		const databaseUrl = postgres.createDatabase();
		const config: ServiceConfigInput = {
			trustedProxies: [ '127.0.0.1' ],
			...service,
			sites,
			databaseUrl,
			redisUrl: redis.url,
		};
		// All at once, as a cluster's nodes come up: the schema is migrated once, under its lock.
		const nodes = await allStarted(
			Array.from( { length: count }, ( _, i ) => startNode( i, config ).then( ( node ) => ( cleanups.push( () => node.remove() ), node ) ) )
		);
		await Promise.all( nodes.map( ( n ) => untilReady( n.url ) ) );
		const lb: RunningNginx = await startNginx( nodes.map( ( n ) => n.port ), { tls: false } );
		cleanups.push( () => lb.stop() );

		const site = sites[ 0 ];
		const lbHttpUrl = `http://127.0.0.1:${ lb.port }`;
		const lbWsUrl = `ws://127.0.0.1:${ lb.port }/ws`;
		const token = ( role: Role, sub: string, name?: string, extra: ExtraClaims = {} ): string =>
			signToken( site, { role, sub, name, ...extra } );
		const triedBy = ( headers: Headers | IncomingHttpHeaders ): ClusterNode[] =>
			nodesIn( headers instanceof Headers ? headers.get( 'x-upstream-addr' ) : headers[ 'x-upstream-addr' ], nodes );
		return {
			lbPort: lb.port,
			lbHttpUrl,
			lbWsUrl,
			nodes,
			postgres,
			databaseUrl,
			redis,
			token,
			async connect( to, role, sub, { name, extra, resume, localAddress }: ConnectOptions = {} ) {
				const client = await TestClient.open( to === 'lb' ? lbWsUrl : to.wsUrl, site.origins[ 0 ] ?? ORIGIN, {
					handshakeTimeout: STEP_MS,
					...( localAddress ? { localAddress } : {} ),
				} );
				clients.push( client );
				const tried = to === 'lb' ? triedBy( client.upgradeHeaders ) : [ to ];
				client.send( { type: 'hello', token: token( role, sub, name ?? ( role === 'agent' ? 'Ann' : undefined ), extra ), ...( resume ? { resume } : {} ) } );
				const welcome = await client.next( 'welcome', () => true, STEP_MS );
				return { client, welcome, node: tried[ tried.length - 1 ], tried };
			},
			async viaLb( path ) {
				const res = await fetch( `${ lbHttpUrl }${ path }`, { signal: AbortSignal.timeout( STEP_MS ) } );
				const tried = triedBy( res.headers );
				return { status: res.status, body: await res.json().catch( () => null ), node: tried[ tried.length - 1 ], tried };
			},
			triedBy,
			lbErrors: () => lb.errors(),
			stop,
		};
	} catch ( e ) {
		await stop().catch( () => {} );
		throw e;
	}
}
