/**
 * The group commit on its own, with batch runners written here: no engine.
 * What the stores build on: one batch per event-loop turn, outcomes per
 * write, settling in call order, a failure of one write or of a whole batch
 * kept to what it failed, and batches that never overlap.
 */
import { Failed, GroupCommit } from '../../../server/store/group-commit';

/** Settles every promise, recording the order: 'v:<value>' or 'e:<message>'. */
function track( promises: Array< Promise< unknown > > ): { order: string[]; done: Promise< unknown > } {
	const order: string[] = [];
	const done = Promise.allSettled(
		promises.map( ( p ) =>
			p.then(
				( v ) => void order.push( `v:${ String( v ) }` ),
				( e: Error ) => void order.push( `e:${ e.message }` )
			)
		)
	);
	return { order, done };
}

test( 'writes called in one turn run as one batch, each settling with its own outcome, in call order', async () => {
	const batches: string[][] = [];
	const gc = new GroupCommit< string >( ( ops ) => {
		batches.push( [ ...ops ] );
		return ops.map( ( op ) => op.toUpperCase() );
	} );
	const first = track( [ gc.add( 'a' ), gc.add( 'b' ), gc.add( 'c' ) ] );
	expect( batches ).toEqual( [] ); // nothing runs before the turn ends
	await first.done;
	expect( batches ).toEqual( [ [ 'a', 'b', 'c' ] ] );
	expect( first.order ).toEqual( [ 'v:A', 'v:B', 'v:C' ] );
	// The next turn's writes are the next batch.
	await gc.add( 'd' );
	expect( batches ).toEqual( [ [ 'a', 'b', 'c' ], [ 'd' ] ] );
} );

test( 'a write the runner reports as Failed rejects alone; the rest of its batch resolves', async () => {
	const gc = new GroupCommit< number >( ( ops ) => ops.map( ( n ) => ( n === 2 ? new Failed( new Error( 'two failed' ) ) : n ) ) );
	const t = track( [ gc.add( 1 ), gc.add( 2 ), gc.add( 3 ) ] );
	await t.done;
	expect( t.order ).toEqual( [ 'v:1', 'e:two failed', 'v:3' ] );
} );

test( 'a batch that fails as a whole rejects every write in it, and the next batch runs', async () => {
	let fail = true;
	const gc = new GroupCommit< number >( ( ops ) => {
		if ( fail ) throw new Error( 'disk full' );
		return [ ...ops ];
	} );
	const t = track( [ gc.add( 1 ), gc.add( 2 ) ] );
	await t.done;
	expect( t.order ).toEqual( [ 'e:disk full', 'e:disk full' ] );
	fail = false;
	await expect( gc.add( 3 ) ).resolves.toBe( 3 );
} );

test( 'schedule() asks for one batch this turn even with nothing queued', async () => {
	const sizes: number[] = [];
	const gc = new GroupCommit< number >( ( ops ) => {
		sizes.push( ops.length );
		return [ ...ops ];
	} );
	gc.schedule();
	gc.schedule();
	// A write in the same turn shares that batch; a second immediate would show as an empty batch.
	await gc.add( 1 );
	await new Promise( ( r ) => setImmediate( r ) );
	expect( sizes ).toEqual( [ 1 ] );
	gc.schedule();
	await new Promise( ( r ) => setImmediate( r ) );
	expect( sizes ).toEqual( [ 1, 0 ] );
} );

test( 'scheduleWithin(ms) asks for a batch by then; a batch that runs sooner drops the timer', async () => {
	jest.useFakeTimers( { doNotFake: [ 'setImmediate' ] } );
	try {
		const sizes: number[] = [];
		const gc = new GroupCommit< number >( ( ops ) => {
			sizes.push( ops.length );
			return [ ...ops ];
		} );
		const turn = (): Promise< void > => new Promise( ( r ) => setImmediate( r ) );
		gc.scheduleWithin( 5_000 );
		gc.scheduleWithin( 5_000 ); // one timer, not two
		jest.advanceTimersByTime( 4_999 );
		await turn();
		expect( sizes ).toEqual( [] );
		jest.advanceTimersByTime( 1 );
		await turn();
		expect( sizes ).toEqual( [ 0 ] );
		// A write's batch comes first: it carries what was due, and no timer is left over.
		gc.scheduleWithin( 5_000 );
		await gc.add( 1 );
		jest.advanceTimersByTime( 5_000 );
		await turn();
		expect( sizes ).toEqual( [ 0, 1 ] );
	} finally {
		jest.useRealTimers();
	}
} );

test( 'runNow() with a synchronous runner has finished the batch when it returns', () => {
	const ran: number[][] = [];
	const gc = new GroupCommit< number >( ( ops ) => {
		ran.push( [ ...ops ] );
		return [ ...ops ];
	} );
	void gc.add( 1 );
	void gc.add( 2 );
	expect( gc.runNow() ).toBeUndefined();
	expect( ran ).toEqual( [ [ 1, 2 ] ] );
} );

test( 'an asynchronous runner: batches never overlap, writes made meanwhile form the next batch, all settle in call order', async () => {
	const batches: number[][] = [];
	let running = 0;
	let overlapped = false;
	const releases: Array< () => void > = [];
	const gc = new GroupCommit< number >( async ( ops ) => {
		running++;
		if ( running > 1 ) overlapped = true;
		batches.push( [ ...ops ] );
		await new Promise< void >( ( r ) => releases.push( r ) );
		running--;
		return ops.map( ( n ) => n * 10 );
	} );
	const first = [ gc.add( 1 ), gc.add( 2 ) ];
	await until( () => batches.length === 1 );
	// While the first batch is in flight, two more turns of writes come in.
	const later = [ gc.add( 3 ) ];
	await new Promise( ( r ) => setImmediate( r ) );
	later.push( gc.add( 4 ) );
	await new Promise( ( r ) => setImmediate( r ) );
	expect( batches ).toEqual( [ [ 1, 2 ] ] );
	const t = track( [ ...first, ...later ] );
	releases.shift()!();
	await until( () => batches.length === 2 );
	expect( batches[ 1 ] ).toEqual( [ 3, 4 ] );
	releases.shift()!();
	await t.done;
	expect( t.order ).toEqual( [ 'v:10', 'v:20', 'v:30', 'v:40' ] );
	expect( overlapped ).toBe( false );
} );

/** Waits turn by turn (no timer) until the runner has been called as expected. */
async function until( ok: () => boolean ): Promise< void > {
	for ( let i = 0; i < 100 && ! ok(); i++ ) await new Promise( ( r ) => setImmediate( r ) );
	expect( ok() ).toBe( true );
}
