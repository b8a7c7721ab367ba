import { maySee, refusal, refusalError, servesNow, type AgentAccess } from '../../server/agent-access';

const agent = ( over: Partial< AgentAccess > = {} ): AgentAccess => ( {
	tokenDepts: [],
	depts: [],
	online: true,
	connected: true,
	load: 0,
	maxChats: 2,
	...over,
} );

describe( 'maySee: the token’s departments are a permission', () => {
	it( 'an agent limited to sales sees sales chats and chats without a department, nothing else', () => {
		const sales = agent( { tokenDepts: [ 'sales' ] } );
		expect( maySee( sales, 'sales' ) ).toBe( true );
		expect( maySee( sales, null ) ).toBe( true );
		expect( maySee( sales, 'support' ) ).toBe( false );
	} );

	it( 'a token naming no department allows every department', () => {
		expect( maySee( agent(), 'support' ) ).toBe( true );
	} );
} );

describe( 'refusal: one rule for dispatch, take and transfer', () => {
	const sales = agent( { tokenDepts: [ 'sales' ] } );

	it( 'refuses a department the token does not allow on every way', () => {
		for ( const way of [ 'dispatch', 'take', 'transfer' ] as const ) {
			expect( refusal( sales, 'support', way ) ).toBe( 'department' );
			expect( refusal( sales, 'sales', way ) ).toBeNull();
		}
	} );

	it( 'refuses past the parallel-chat limit on every way', () => {
		const full = agent( { load: 2, maxChats: 2 } );
		for ( const way of [ 'dispatch', 'take', 'transfer' ] as const ) expect( refusal( full, null, way ) ).toBe( 'limit' );
		expect( refusal( agent( { load: 1, maxChats: 2 } ), null, 'take' ) ).toBeNull();
	} );

	it( 'the presence choice narrows dispatch only: an agent may take (or be handed) any chat its token allows', () => {
		const onlyBilling = agent( { depts: [ 'billing' ] } );
		expect( refusal( onlyBilling, 'sales', 'dispatch' ) ).toBe( 'department' );
		expect( refusal( onlyBilling, 'sales', 'take' ) ).toBeNull();
		expect( refusal( onlyBilling, 'sales', 'transfer' ) ).toBeNull();
		expect( refusal( onlyBilling, null, 'dispatch' ) ).toBeNull();
	} );

	it( 'dispatch and transfer need an online, connected agent; taking by hand does not need "online"', () => {
		const offline = agent( { online: false } );
		const gone = agent( { connected: false } );
		expect( refusal( offline, null, 'dispatch' ) ).toBe( 'offline' );
		expect( refusal( gone, null, 'dispatch' ) ).toBe( 'offline' );
		expect( refusal( offline, null, 'transfer' ) ).toBe( 'offline' );
		expect( refusal( gone, null, 'transfer' ) ).toBe( 'offline' );
		expect( refusal( offline, null, 'take' ) ).toBeNull();
	} );
} );

describe( 'servesNow (availability)', () => {
	it( 'is online, connected, allowed and chosen', () => {
		expect( servesNow( agent( { tokenDepts: [ 'sales' ] } ), 'support' ) ).toBe( false );
		expect( servesNow( agent( { tokenDepts: [ 'sales' ] } ), 'sales' ) ).toBe( true );
		expect( servesNow( agent( { depts: [ 'sales' ] } ), 'support' ) ).toBe( false );
		expect( servesNow( agent( { online: false } ), null ) ).toBe( false );
		expect( servesNow( agent( { connected: false } ), null ) ).toBe( false );
	} );
} );

describe( 'refusalError', () => {
	it( 'gives each refusal its typed error', () => {
		expect( refusalError( 'department', 'self' ).code ).toBe( 'forbidden' );
		expect( refusalError( 'limit', 'self' ).code ).toBe( 'limit_reached' );
		expect( refusalError( 'limit', 'other' ).message ).toMatch( /that agent/ );
		expect( refusalError( 'offline', 'other' ) ).toEqual( { code: 'not_found', message: 'that agent is not online' } );
	} );
} );
