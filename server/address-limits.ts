/**
 * Per-address limits, whoever keeps the counts: open connections per
 * address, and failed "delete by code" attempts per address in a sliding
 * window. One node: MemoryAddressLimits (here, on ip-limiter.ts). Several
 * nodes: RedisAddressLimits (cluster/address-counters.ts), whose counts are
 * shared by the nodes. The address comes from the caller and stays in the
 * node's memory; nothing here writes it anywhere.
 *
 * What every implementation promises (tests/contract/address-limits.contract.ts):
 * - `acquireConnection` answers true and counts the connection while the
 *   address has fewer than the limit open (on all nodes), else false and
 *   counts nothing; each true is paired with one `releaseConnection`.
 * - `mayTry` answers false once the address has `maxFailures` failures
 *   recorded within the window (on all nodes), and true again as they age out.
 * - No promise rejects: should the shared counts be unreachable, the node
 *   answers from its own counts (a limit per node instead of per cluster)
 *   rather than refuse every visitor or fail every request.
 * - `close()` forgets this node's open connections everywhere (its counts
 *   would otherwise expire on their own, as a dead node's do).
 */
import { FAILURE_WINDOW_MS, IpLimiter } from './ip-limiter';

export interface AddressLimits {
	acquireConnection( address: string ): Promise< boolean >;
	releaseConnection( address: string ): Promise< void >;
	mayTry( address: string ): Promise< boolean >;
	recordFailure( address: string ): Promise< void >;
	close(): Promise< void >;
}

export interface AddressLimitSettings {
	maxConnections: number;
	maxFailures: number;
	/** Default 15 minutes. */
	failureWindowMs?: number;
	/** The clock (tests move it). */
	now?: () => number;
}

/** The one-node limits: ip-limiter.ts's counters behind the asynchronous interface. */
export class MemoryAddressLimits implements AddressLimits {
	readonly counters: IpLimiter;

	constructor( s: AddressLimitSettings ) {
		this.counters = new IpLimiter( s.maxConnections, s.maxFailures, s.failureWindowMs ?? FAILURE_WINDOW_MS, s.now ?? Date.now );
	}

	async acquireConnection( address: string ): Promise< boolean > {
		return this.counters.acquire( address );
	}

	async releaseConnection( address: string ): Promise< void > {
		this.counters.release( address );
	}

	async mayTry( address: string ): Promise< boolean > {
		return this.counters.mayTry( address );
	}

	async recordFailure( address: string ): Promise< void > {
		this.counters.recordFailure( address );
	}

	async close(): Promise< void > {
		// Memory: nothing outlives the process.
	}
}
