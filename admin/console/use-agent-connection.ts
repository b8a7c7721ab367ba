/**
 * Owns the console's one ChatConnection and its state. The state lives in a
 * ref as well as in React state, so frame handlers (which run outside
 * React's render cycle) always read the latest, e.g. the seq to sync from.
 *
 * Presence is the service's: the console shows the `presence` it sends
 * (a console opened anew starts offline; see server/presence.ts) and keeps
 * no choice of its own. The agent's token is renewed on the open connection
 * (ChatConnection's `renew`); when WordPress no longer gives one (the role
 * was removed, the user logged out), the console's access ends.
 */
import apiFetch from '@wordpress/api-fetch';
import { useCallback, useEffect, useRef, useState } from '@wordpress/element';
import { ChatConnection, newClientId, TicketRefused, type Ticket } from '../../client/shared/connection';
import type { ServerFrame } from '../../server/protocol';
import { alertsFor, type ConsoleAlert } from './alerts';
import { missingFrom, syncPoint } from './chat-queries';
import { identityFromToken } from './identity';
import { consoleReducer, initialState, type ConsoleAction, type ConsoleState } from './state';

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

/** The token route's answer when WordPress says no for good: not (or no longer) an agent, or logged out. */
function refusedByWordPress( e: unknown ): boolean {
	const status = ( e as { data?: { status?: unknown } } | null )?.data?.status;
	return status === 401 || status === 403;
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
		};

		const conn: ChatConnection = new ChatConnection( {
			renew: true,
			ticket: async () => {
				let ticket: Ticket;
				try {
					ticket = await apiFetch< Ticket >( { path: config.tokenPath, method: 'POST' } );
				} catch ( e ) {
					throw refusedByWordPress( e ) ? new TicketRefused( 'not an agent' ) : e;
				}
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
				const alerts = alertsFor( before, stateRef.current, frame );
				if ( alerts.length > 0 ) alertsRef.current?.( alerts, stateRef.current );
				const missing = missingFrom( before, frame );
				// A new chat always syncs; a gap only if no sync for it is under way.
				if ( missing && ( missing.newChat || Date.now() - ( lastSync.get( missing.chatId ) ?? 0 ) > SYNC_GAP_MS ) ) {
					sync( conn, missing.chatId, missing.afterSeq );
				}
			},
			onState: ( connection, detail ) => {
				dispatch( { type: 'connection', state: connection, code: detail?.code, refused: detail?.refused } );
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
				// Shown at once; the service's `presence` answer is what stays.
				// Without `depts` the service would fall back to all the token's departments.
				const { depts } = stateRef.current;
				dispatch( { type: 'online', online } );
				connRef.current?.send( { type: 'presence', online, depts } );
			},
			[ dispatch ]
		),
		setDepts: useCallback(
			( depts: string[] ) => {
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
