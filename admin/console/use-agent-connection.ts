/**
 * Owns the console's one ChatConnection and its state. The state lives in a
 * ref as well as in React state, so frame handlers (which run outside
 * React's render cycle) always read the latest, e.g. the seq to sync from.
 */
import apiFetch from '@wordpress/api-fetch';
import { useCallback, useEffect, useRef, useState } from '@wordpress/element';
import { ChatConnection, newClientId, type Ticket } from '../../client/shared/connection';
import type { ServerFrame } from '../../server/protocol';
import {
	alertsFor,
	consoleReducer,
	identityFromToken,
	initialState,
	missingFrom,
	syncPoint,
	type ConsoleAction,
	type ConsoleAlert,
	type ConsoleState,
} from './state';

export interface ConsoleConfig {
	/** REST path (relative to the API root) that hands out an agent ticket. */
	tokenPath: string;
	/** The site's pre-chat form labels (field id → label), to show the visitor's answers. */
	fieldLabels: Record< string, string >;
	/** The site's departments (id → name), from Settings → Consent Chat. */
	departments: Record< string, string >;
}

export interface AgentActions {
	setOnline: ( online: boolean ) => void;
	/** Departments to be online for; empty: all the token allows. */
	setDepts: ( depts: string[] ) => void;
	transfer: ( chatId: string, to: { toAgent: string } | { toDept: string } ) => void;
	keep: ( chatId: string, keep: boolean ) => void;
	typing: ( chatId: string, typing: boolean ) => void;
	take: ( chatId: string ) => void;
	send: ( chatId: string, text: string ) => void;
	end: ( chatId: string ) => void;
	select: ( chatId: string ) => void;
	closeTab: ( chatId: string ) => void;
	dismissError: ( id: number ) => void;
	reconnect: () => void;
}

const ONLINE_KEY = 'consent-chat:console:online';
const DEPTS_KEY = 'consent-chat:console:depts';

function storedDepts(): string[] | null {
	try {
		const value: unknown = JSON.parse( window.localStorage.getItem( DEPTS_KEY ) ?? 'null' );
		return Array.isArray( value ) && value.every( ( d ) => typeof d === 'string' ) ? value : null;
	} catch {
		return null;
	}
}

function storeDepts( depts: string[] ): void {
	try {
		window.localStorage.setItem( DEPTS_KEY, JSON.stringify( depts ) );
	} catch {
		// Storage blocked: the choice only lasts for this page.
	}
}

const sameDepts = ( a: readonly string[], b: readonly string[] ) =>
	a.length === b.length && a.every( ( d ) => b.includes( d ) );

function storedOnline(): boolean | null {
	try {
		const value = window.localStorage.getItem( ONLINE_KEY );
		return value === null ? null : value === '1';
	} catch {
		return null;
	}
}

function storeOnline( online: boolean ): void {
	try {
		window.localStorage.setItem( ONLINE_KEY, online ? '1' : '0' );
	} catch {
		// Storage blocked: the choice only lasts for this page.
	}
}

export function useAgentConnection(
	config: ConsoleConfig,
	/** News for the agent (new chat in the queue, chat assigned), with the state after it. */
	onAlerts?: ( alerts: ConsoleAlert[], state: ConsoleState ) => void
): { state: ConsoleState; actions: AgentActions } {
	const stateRef = useRef< ConsoleState >( initialState() );
	const alertsRef = useRef( onAlerts );
	alertsRef.current = onAlerts;
	const [ state, setState ] = useState< ConsoleState >( stateRef.current );
	const connRef = useRef< ChatConnection | null >( null );

	const dispatch = useCallback( ( action: ConsoleAction ) => {
		const next = consoleReducer( stateRef.current, action );
		if ( next !== stateRef.current ) {
			stateRef.current = next;
			setState( next );
		}
	}, [] );

	useEffect( () => {
		/** When each chat was last synced, so a burst of out-of-order frames asks only once. */
		const lastSync = new Map< string, number >();
		const SYNC_GAP_MS = 5_000;

		const sync = ( conn: ChatConnection, chatId: string, afterSeq: number ) => {
			lastSync.set( chatId, Date.now() );
			conn.send( { type: 'sync', chatId, afterSeq } );
		};

		const onWelcome = ( conn: ChatConnection, frame: Extract< ServerFrame, { type: 'welcome' } > ) => {
			// History first: everything after what this tab already holds.
			for ( const chat of frame.chats ) {
				sync( conn, chat.id, syncPoint( stateRef.current, chat.id ) );
			}
			// The service's `presence` follows: compare the agent's last choice with it.
			presenceChecked = false;
		};

		/** Whether the `presence` after the latest welcome was compared with the stored choice. */
		let presenceChecked = true;
		const onPresence = ( frame: Extract< ServerFrame, { type: 'presence' } > ) => {
			if ( ! presenceChecked ) {
				presenceChecked = true;
				// The agent's last choice (this browser) beats what the service remembers
				// (e.g. after a restart of the service, which forgets presence).
				const online = storedOnline() ?? frame.online;
				const depts = storedDepts() ?? frame.depts;
				if ( online !== frame.online || ! sameDepts( depts, frame.depts ) ) {
					dispatch( { type: 'online', online, depts } );
					conn.send( { type: 'presence', online, depts } );
				}
				return;
			}
			// Changed from another tab or device: that is the agent's latest choice.
			if ( frame.online !== storedOnline() ) storeOnline( frame.online );
			if ( ! sameDepts( frame.depts, storedDepts() ?? [] ) ) storeDepts( frame.depts );
		};

		const conn: ChatConnection = new ChatConnection( {
			ticket: async () => {
				const ticket = await apiFetch< Ticket >( { path: config.tokenPath, method: 'POST' } );
				const me = identityFromToken( ticket.token );
				if ( me ) dispatch( { type: 'identity', me } );
				return ticket;
			},
			onFrame: ( frame ) => {
				const before = stateRef.current;
				dispatch( { type: 'frame', frame } );
				if ( frame.type === 'welcome' ) {
					onWelcome( conn, frame );
					return;
				}
				if ( frame.type === 'presence' ) onPresence( frame );
				const alerts = alertsFor( before, stateRef.current, frame );
				if ( alerts.length > 0 ) alertsRef.current?.( alerts, stateRef.current );
				const missing = missingFrom( before, frame );
				// A new chat always syncs; a gap only if no sync for it is under way.
				if ( missing && ( missing.newChat || Date.now() - ( lastSync.get( missing.chatId ) ?? 0 ) > SYNC_GAP_MS ) ) {
					sync( conn, missing.chatId, missing.afterSeq );
				}
			},
			onState: ( connection, detail ) => {
				dispatch( { type: 'connection', state: connection, code: detail?.code } );
			},
		} );
		connRef.current = conn;
		conn.open();
		return () => {
			connRef.current = null;
			conn.close();
		};
	}, [ config.tokenPath, dispatch ] );

	const actions: AgentActions = {
		setOnline: useCallback(
			( online: boolean ) => {
				storeOnline( online );
				// Without `depts` the service would fall back to all the token's departments.
				const { depts } = stateRef.current;
				dispatch( { type: 'online', online } );
				connRef.current?.send( { type: 'presence', online, depts } );
			},
			[ dispatch ]
		),
		setDepts: useCallback(
			( depts: string[] ) => {
				storeDepts( depts );
				const online = stateRef.current.online ?? false;
				dispatch( { type: 'online', online, depts } );
				connRef.current?.send( { type: 'presence', online, depts } );
			},
			[ dispatch ]
		),
		transfer: useCallback( ( chatId: string, to: { toAgent: string } | { toDept: string } ) => {
			connRef.current?.send( { type: 'transfer', chatId, ...to } );
		}, [] ),
		keep: useCallback( ( chatId: string, keep: boolean ) => {
			connRef.current?.send( { type: 'keep', chatId, keep } );
		}, [] ),
		typing: useCallback( ( chatId: string, typing: boolean ) => {
			// Only worth sending live: a stale "typing" after a reconnect would mislead.
			if ( connRef.current?.connectionState === 'open' ) {
				connRef.current.send( { type: 'typing', chatId, typing } );
			}
		}, [] ),
		take: useCallback(
			( chatId: string ) => {
				dispatch( { type: 'take', chatId } );
				connRef.current?.send( { type: 'take', chatId } );
			},
			[ dispatch ]
		),
		send: useCallback(
			( chatId: string, text: string ) => {
				const clientId = newClientId();
				dispatch( { type: 'send', chatId, clientId, text, at: Date.now() } );
				connRef.current?.send( { type: 'send', chatId, clientId, text } );
			},
			[ dispatch ]
		),
		end: useCallback( ( chatId: string ) => {
			connRef.current?.send( { type: 'end', chatId } );
		}, [] ),
		select: useCallback( ( chatId: string ) => dispatch( { type: 'select', chatId } ), [ dispatch ] ),
		closeTab: useCallback( ( chatId: string ) => dispatch( { type: 'closeTab', chatId } ), [ dispatch ] ),
		dismissError: useCallback( ( id: number ) => dispatch( { type: 'dismissError', id } ), [ dispatch ] ),
		reconnect: useCallback( () => connRef.current?.open(), [] ),
	};

	return { state, actions };
}
