import { pickAgent, type Candidate } from '../../server/routing';

const agent = ( key: string, over: Partial< Candidate > = {} ): Candidate => ( {
	key,
	online: true,
	connected: true,
	tokenDepts: [],
	depts: [],
	maxChats: 2,
	load: 0,
	idleSince: 0,
	...over,
} );

describe( 'pickAgent', () => {
	it( 'gives the chat to the agent idle longest since the end of their last chat', () => {
		const a = agent( 'a', { idleSince: 3000 } );
		const b = agent( 'b', { idleSince: 1000 } );
		const c = agent( 'c', { idleSince: 2000 } );
		expect( pickAgent( [ a, b, c ], null ) ).toBe( b );
	} );

	it( 'prefers an agent with no chat over a busy one that finished earlier', () => {
		const busy = agent( 'busy', { load: 1, idleSince: 0 } );
		const free = agent( 'free', { idleSince: 5000 } );
		expect( pickAgent( [ busy, free ], null ) ).toBe( free );
	} );

	it( 'respects the parallel-chat limit, presence and connection', () => {
		const full = agent( 'full', { load: 2 } );
		const offline = agent( 'off', { online: false } );
		const gone = agent( 'gone', { connected: false } );
		expect( pickAgent( [ full, offline, gone ], null ) ).toBeNull();
		const room = agent( 'room', { load: 1, idleSince: 9 } );
		expect( pickAgent( [ full, offline, gone, room ], null ) ).toBe( room );
	} );

	it( 'routes by department; agents without departments serve all', () => {
		const sales = agent( 'sales', { depts: [ 'sales' ], idleSince: 1 } );
		const support = agent( 'support', { depts: [ 'support' ], idleSince: 0 } );
		expect( pickAgent( [ sales, support ], 'sales' ) ).toBe( sales );
		expect( pickAgent( [ sales, support ], 'billing' ) ).toBeNull();
		const all = agent( 'all', { idleSince: 5 } );
		expect( pickAgent( [ sales, support, all ], 'billing' ) ).toBe( all );
		// A chat without a department goes to anyone.
		expect( pickAgent( [ sales, support ], null ) ).toBe( support );
	} );

	it( 'never routes past the token: an empty presence choice means all the token allows, not all', () => {
		const salesOnly = agent( 'sales', { tokenDepts: [ 'sales' ], depts: [] } );
		expect( pickAgent( [ salesOnly ], 'support' ) ).toBeNull();
		expect( pickAgent( [ salesOnly ], 'sales' ) ).toBe( salesOnly );
	} );

	it( 'breaks ties deterministically', () => {
		expect( pickAgent( [ agent( 'b' ), agent( 'a' ) ], null )?.key ).toBe( 'a' );
	} );
} );
