/**
 * Owns the console's one ChatConnection and its state. The state lives in a
 * ref as well as in React state, so frame handlers (which run outside
 * React's render cycle) always read the latest, e.g. the seq to sync from.
 */
import apiFetch from '@wordpress/api-fetch';
import { useCallback, useEffect, useRef, useState } from '@wordpress/element';
import { ChatConnection, newClientId, type Ticket } from '../../client/shared/connection';
import type { ServerFrame } from '../../server/protocol';
import { consoleReducer, initialState, missingFrom, syncPoint, type ConsoleAction, type ConsoleState } from './state';

export interface ConsoleConfig {
	/** REST path (relative to the API root) that hands out an agent ticket. */
	tokenPath: string;
}

export interface AgentActions {
	setOnline: ( online: boolean ) => void;
	take: ( chatId: string ) => void;
	send: ( chatId: string, text: string ) => void;
	end: ( chatId: string ) => void;
	select: ( chatId: string ) => void;
	closeTab: ( chatId: string ) => void;
	dismissError: ( id: number ) => void;
	reconnect: () => void;
}

const ONLINE_KEY = 'consent-chat:console:online';

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

export function useAgentConnection( config: ConsoleConfig ): { state: ConsoleState; actions: AgentActions } {
	const stateRef = useRef< ConsoleState >( initialState() );
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
			const wanted = storedOnline();
			if ( wanted !== null && wanted !== frame.online ) {
				dispatch( { type: 'online', online: wanted } );
				conn.send( { type: 'presence', online: wanted } );
			}
		};

		const conn: ChatConnection = new ChatConnection( {
			ticket: () =>
				apiFetch< Ticket >( { path: config.tokenPath, method: 'POST' } ),
			onFrame: ( frame ) => {
				const before = stateRef.current;
				dispatch( { type: 'frame', frame } );
				if ( frame.type === 'welcome' ) {
					onWelcome( conn, frame );
					return;
				}
				if ( frame.type === 'presence' && frame.online !== storedOnline() ) {
					// Changed from another tab or device: that is the agent's latest choice.
					storeOnline( frame.online );
				}
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
				dispatch( { type: 'online', online } );
				connRef.current?.send( { type: 'presence', online } );
			},
			[ dispatch ]
		),
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
