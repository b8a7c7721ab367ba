/**
 * The privacy rules across engines, on the bytes they keep: two real nodes
 * on one PostgreSQL and one Redis (RDB and AOF on, as production Redis often
 * runs), a visitor on one node and its agent on the other, so every message
 * crosses Redis. A no-storage chat's texts and the visitor's address must be
 * nowhere in PostgreSQL's data folder and WAL, in Redis's files or in the
 * nodes' logs; a stored chat's texts are in PostgreSQL (the control: the
 * search would find a leak).
 */
import { execFileSync } from 'node:child_process';
import { startCluster, type Cluster } from '../helpers/cluster';
import { converse } from '../helpers/conversation';
import { addressEncodings, filesUnder, readAll } from '../helpers/disk';
import { SITE } from '../helpers/service';

/** The visitor's sockets come from here: an address nothing else on this machine uses. */
const VISITOR_ADDRESS = '127.0.0.61';

let cluster: Cluster;
beforeAll( async () => {
	cluster = await startCluster( {
		nodes: 2,
		sites: [
			{ ...SITE, id: 'eph', defaultMode: 'ephemeral', visitorChoosesMode: false },
			{ ...SITE, id: 'sto', defaultMode: 'stored' },
		],
	} );
}, 60_000 );
afterAll( async () => {
	await cluster?.stop();
} );

test( 'a no-storage chat across two nodes leaves no text and no address in PostgreSQL’s files, Redis’s RDB and AOF, or the logs; a stored one is in PostgreSQL (control)', async () => {
	const across = { visitorWsUrl: cluster.nodes[ 1 ].wsUrl, agentWsUrl: cluster.nodes[ 0 ].wsUrl };
	const ephemeral = await converse( across, 'eph', VISITOR_ADDRESS );
	const stored = await converse( across, 'sto', VISITOR_ADDRESS );

	// Everything written reaches the data files as well as the WAL, and Redis writes a snapshot now (its AOF syncs every write).
	cluster.postgres.psql( cluster.postgres.url, 'CHECKPOINT' );
	execFileSync( 'redis-cli', [ '-p', String( cluster.redis.port ), 'SAVE' ] );

	expect( filesUnder( cluster.postgres.dataDir ).some( ( f ) => f.includes( '/pg_wal/' ) ) ).toBe( true );
	const postgres = readAll( cluster.postgres.dataDir );
	const redis = cluster.redis.files();
	// Redis's files are read for real: the shared per-address counters are in them.
	expect( redis ).toContain( 'consent-chat:addr:conn:' );
	const logs = cluster.nodes.map( ( n ) => n.log() ).join( '\n' );
	const found = ( where: string, secrets: string[] ): string[] => secrets.filter( ( s ) => where.includes( s ) );

	expect( { postgres: found( postgres, ephemeral ), redis: found( redis, ephemeral ), logs: found( logs, ephemeral ) } ).toEqual( { postgres: [], redis: [], logs: [] } );
	const address = addressEncodings( VISITOR_ADDRESS );
	expect( { postgres: found( postgres, address ), redis: found( redis, address ), logs: found( logs, address ) } ).toEqual( { postgres: [], redis: [], logs: [] } );
	// The control: the stored chat's texts, form answers and dialog fields are in PostgreSQL's files, and in Redis's never.
	expect( found( postgres, stored ).length ).toBeGreaterThanOrEqual( 4 );
	expect( found( redis, stored ) ).toEqual( [] );
} );
