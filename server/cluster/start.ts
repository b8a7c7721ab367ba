/**
 * A node of a cluster, started: the bus between the nodes, the per-address
 * limits they count together, and the front door that serves the sites this
 * node owns and forwards the rest (cluster-rooms.ts). service.ts starts it
 * when Redis is configured (config.ts requires PostgreSQL with it).
 */
import type { AddressLimitSettings } from '../address-limits';
import type { ServiceConfig, SiteConfig } from '../config';
import type { Logger } from '../log';
import type { SiteAssistants } from '../assistant/site-assistants';
import type { SitePolicies } from '../site-policy';
import type { ChatStore } from '../store/types';
import type { Timers } from '../presence';
import { RedisAddressLimits } from './address-counters';
import { NodeBus } from './bus';
import { ClusterRooms } from './cluster-rooms';
import { syncAssistants } from './assistant-sync';
import { syncPolicies } from './policy-sync';
import { closeRedis, openRedis } from './redis';

export interface Cluster {
	rooms: ClusterRooms;
	addressLimits: RedisAddressLimits;
	bus: NodeBus;
	/** Gives this node's sites up (the others take them over at once); the first step of a graceful stop. */
	release(): Promise< void >;
	/** The bus and Redis connections, after release() and the address limits' close(). */
	close(): Promise< void >;
}

export async function startCluster(
	config: ServiceConfig,
	o: {
		store: ChatStore;
		log: Logger;
		sites: ReadonlyMap< string, SiteConfig >;
		policies: SitePolicies;
		assistants: SiteAssistants;
		now?: () => number;
		presence: { graceMs: number; timers?: Timers };
		addressSettings: AddressLimitSettings;
	}
): Promise< Cluster > {
	const redisUrl = config.redisUrl as string;
	const databaseUrl = config.databaseUrl as string;
	const bus = await NodeBus.open( redisUrl, { log: o.log } );
	const redis = openRedis( redisUrl, { log: o.log, role: 'address-limits' } );
	const addressLimits = await RedisAddressLimits.start( { ...o.addressSettings, redis, bus, log: o.log } );
	await syncPolicies( bus, o.policies, o.log );
	await syncAssistants( bus, o.assistants, o.log );
	const rooms = await ClusterRooms.start( { bus, store: o.store, databaseUrl, log: o.log, sites: o.sites, now: o.now, presence: o.presence, assistants: o.assistants } );
	o.log.info( { node: bus.id, sites: [ ...rooms.ownedSites() ] }, 'cluster node started' );
	return {
		rooms,
		addressLimits,
		bus,
		release: () => rooms.close(),
		close: async () => {
			await closeRedis( redis );
			await bus.close();
		},
	};
}
