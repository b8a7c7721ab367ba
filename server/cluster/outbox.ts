/**
 * What this node has for other nodes, sent once per event-loop turn: one
 * publish per node with everything for it, in the order it was pushed
 * (wire.ts says why order holds). Under load that is most of the bus's
 * cost saved: a relayed message is one op among many in a publish, not a
 * round trip to Redis of its own.
 *
 * A publish that fails (Redis away) loses its batch: the bus is a hint,
 * never the record. The caller hears of it (`onLost`) and ends what the
 * lost ops belonged to, so clients reconnect and fill the gap from the
 * store. A publish nobody receives went to a node that is no longer
 * subscribed: it died, and the caller hears that too.
 */
import type { NodeBus, NodeId } from './bus';
import { nodeChannel, type Op } from './wire';

/** A batch reached no subscriber: the node it was for is gone. */
export class NobodyListeningError extends Error {
	constructor( readonly node: NodeId ) {
		super( `nobody listens for node ${ node }` );
		this.name = 'NobodyListeningError';
	}
}

export class Outbox {
	private pending = new Map< NodeId, Op[] >();
	private scheduled = false;

	constructor(
		private readonly bus: NodeBus,
		private readonly onLost: ( node: NodeId, ops: readonly Op[], e: unknown ) => void
	) {}

	push( node: NodeId, op: Op ): void {
		let ops = this.pending.get( node );
		if ( ! ops ) {
			ops = [];
			this.pending.set( node, ops );
		}
		ops.push( op );
		if ( ! this.scheduled ) {
			this.scheduled = true;
			setImmediate( () => this.flush() );
		}
	}

	private flush(): void {
		const pending = this.pending;
		this.pending = new Map();
		this.scheduled = false;
		for ( const [ node, ops ] of pending ) {
			this.bus.publish( nodeChannel( node ), { type: 'ops', ops } ).then(
				( receivers ) => {
					if ( receivers === 0 ) this.onLost( node, ops, new NobodyListeningError( node ) );
				},
				( e: unknown ) => this.onLost( node, ops, e )
			);
		}
	}
}
