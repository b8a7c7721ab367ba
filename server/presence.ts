/**
 * An agent's presence (online or offline, for which departments), owned by
 * the service and decided here only. It follows the agent's connections:
 *
 * - An agent that connects with none of its connections open starts
 *   offline: a console opened later need not mean the person is there.
 * - While at least one connection is open, the state is what the agent
 *   last chose (from any of its tabs).
 * - When the last connection closes, the state is held for a grace period
 *   (`graceMs`) so that a reload or a network blip changes nothing. A
 *   connection within it carries on with that state; after it the agent is
 *   gone: `onGone` runs (the rooms hand its chats back to the queue) and the
 *   next connection starts offline.
 *
 * Memory only: after a restart every agent starts offline. Agents who held
 * chats get a grace period from the start-up (`expectBack`), so a console
 * that reconnects at once keeps its chats.
 */

/** The timers presence needs; injected so the unit tests run on a fake clock. */
export interface Timers {
	setTimeout( fn: () => void, ms: number ): unknown;
	clearTimeout( handle: unknown ): void;
}

export const realTimers: Timers = {
	setTimeout: ( fn, ms ) => setTimeout( fn, ms ).unref(),
	clearTimeout: ( handle ) => clearTimeout( handle as NodeJS.Timeout ),
};

export interface PresenceState {
	online: boolean;
	/** Departments the agent is online for; empty: all its token allows. */
	depts: readonly string[];
}

interface Entry extends PresenceState {
	connected: boolean;
	/** The grace timer while no connection is open. */
	grace: unknown;
}

const OFFLINE: PresenceState = Object.freeze( { online: false, depts: Object.freeze( [] ) } );

export class AgentPresence {
	private readonly entries = new Map< string, Entry >();

	constructor(
		private readonly graceMs: number,
		/** The agent's grace ran out with no connection: it is gone. */
		private readonly onGone: ( key: string ) => void,
		private readonly timers: Timers = realTimers
	) {}

	/** The agent's first open connection (none was open). Returns the state it has now. */
	arrive( key: string ): PresenceState {
		const held = this.entries.get( key );
		if ( held && ! held.connected ) {
			// Back within the grace: as it was.
			this.timers.clearTimeout( held.grace );
			held.grace = null;
			held.connected = true;
			return this.state( held );
		}
		if ( held ) return this.state( held );
		const fresh: Entry = { online: false, depts: [], connected: true, grace: null };
		this.entries.set( key, fresh );
		return this.state( fresh );
	}

	/** The agent's last open connection closed: the grace period starts. */
	leave( key: string ): void {
		const entry = this.entries.get( key );
		if ( ! entry || ! entry.connected ) return;
		entry.connected = false;
		this.startGrace( key, entry );
	}

	/**
	 * After a restart, for an agent that held open chats: it has the grace
	 * period from now to connect before it counts as gone. Offline until then.
	 */
	expectBack( key: string ): void {
		if ( this.entries.has( key ) ) return;
		const entry: Entry = { online: false, depts: [], connected: false, grace: null };
		this.entries.set( key, entry );
		this.startGrace( key, entry );
	}

	/** The agent's choice, from one of its open connections. */
	set( key: string, online: boolean, depts: readonly string[] ): PresenceState {
		const entry = this.entries.get( key );
		if ( ! entry || ! entry.connected ) return OFFLINE;
		entry.online = online;
		entry.depts = [ ...depts ];
		return this.state( entry );
	}

	get( key: string ): PresenceState {
		const entry = this.entries.get( key );
		return entry ? this.state( entry ) : OFFLINE;
	}

	/** No connection open, within the grace: the agent may be back in a moment (visitors see "away"). */
	away( key: string ): boolean {
		const entry = this.entries.get( key );
		return entry !== undefined && ! entry.connected;
	}

	/** Stops every grace timer: the agents are no longer this node's to track. */
	dispose(): void {
		for ( const entry of this.entries.values() ) if ( entry.grace !== null ) this.timers.clearTimeout( entry.grace );
		this.entries.clear();
	}

	private startGrace( key: string, entry: Entry ): void {
		entry.grace = this.timers.setTimeout( () => {
			if ( this.entries.get( key ) !== entry || entry.connected ) return;
			this.entries.delete( key );
			this.onGone( key );
		}, this.graceMs );
	}

	private state( entry: Entry ): PresenceState {
		return { online: entry.online, depts: entry.depts };
	}
}
