import { AgentPresence } from '../../server/presence';
import { FakeClock } from '../helpers/fake-clock';


const GRACE = 30_000;
let clock: FakeClock;
let gone: string[];
let presence: AgentPresence;
beforeEach( () => {
	clock = new FakeClock();
	gone = [];
	presence = new AgentPresence( GRACE, ( key ) => gone.push( key ), clock );
} );

test( 'an agent that connects anew starts offline', () => {
	expect( presence.arrive( 'ann' ) ).toEqual( { online: false, depts: [] } );
	expect( presence.set( 'ann', true, [ 'sales' ] ) ).toEqual( { online: true, depts: [ 'sales' ] } );
	expect( presence.get( 'ann' ) ).toEqual( { online: true, depts: [ 'sales' ] } );
} );

test( 'back within the grace period: as it was, and not gone', () => {
	presence.arrive( 'ann' );
	presence.set( 'ann', true, [ 'sales' ] );
	presence.leave( 'ann' );
	expect( presence.away( 'ann' ) ).toBe( true );
	clock.advance( GRACE - 1 );
	expect( presence.arrive( 'ann' ) ).toEqual( { online: true, depts: [ 'sales' ] } );
	expect( presence.away( 'ann' ) ).toBe( false );
	clock.advance( GRACE );
	expect( gone ).toEqual( [] );
	expect( presence.get( 'ann' ).online ).toBe( true );
} );

test( 'after the grace period: gone once, offline, and the next connection starts offline', () => {
	presence.arrive( 'ann' );
	presence.set( 'ann', true, [] );
	presence.leave( 'ann' );
	clock.advance( GRACE - 1 );
	expect( gone ).toEqual( [] );
	clock.advance( 1 );
	expect( gone ).toEqual( [ 'ann' ] );
	expect( presence.get( 'ann' ).online ).toBe( false );
	expect( presence.away( 'ann' ) ).toBe( false );
	expect( presence.arrive( 'ann' ) ).toEqual( { online: false, depts: [] } );
	clock.advance( GRACE * 2 );
	expect( gone ).toEqual( [ 'ann' ] );
} );

test( 'each absence has its own grace period: a second leave counts from its own time', () => {
	presence.arrive( 'ann' );
	presence.leave( 'ann' );
	clock.advance( GRACE - 10 );
	presence.arrive( 'ann' );
	clock.advance( 5 );
	presence.leave( 'ann' );
	clock.advance( GRACE - 1 );
	expect( gone ).toEqual( [] );
	clock.advance( 1 );
	expect( gone ).toEqual( [ 'ann' ] );
} );

test( 'a choice can only be made while connected', () => {
	expect( presence.set( 'nobody', true, [] ) ).toEqual( { online: false, depts: [] } );
	presence.arrive( 'ann' );
	presence.leave( 'ann' );
	expect( presence.set( 'ann', true, [] ).online ).toBe( false );
} );

test( 'after a restart, an agent that held chats has the grace period to come back, offline', () => {
	presence.expectBack( 'ann' );
	presence.expectBack( 'bob' );
	expect( presence.away( 'ann' ) ).toBe( true );
	expect( presence.arrive( 'ann' ) ).toEqual( { online: false, depts: [] } );
	clock.advance( GRACE );
	expect( gone ).toEqual( [ 'bob' ] );
} );

test( 'agents are apart', () => {
	presence.arrive( 'ann' );
	presence.arrive( 'bob' );
	presence.set( 'ann', true, [] );
	expect( presence.get( 'bob' ).online ).toBe( false );
	presence.leave( 'bob' );
	clock.advance( GRACE );
	expect( gone ).toEqual( [ 'bob' ] );
	expect( presence.get( 'ann' ).online ).toBe( true );
} );
