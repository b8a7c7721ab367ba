/**
 * During a running chat, the agent sees the visitor's current page — only
 * while the visitor consents to chat tracking (the tracking embed runs and
 * announces itself with TRACKING_EVENT). On withdrawal the agent is told at
 * once (`page: null`) and nothing more is sent.
 */
import { TRACKING_EVENT } from '../contract';
import type { ClientFrame } from '../../server/protocol';

export class PageShare {
	private chatId: string | null = null;

	constructor( private readonly send: ( frame: ClientFrame ) => void ) {
		document.addEventListener( TRACKING_EVENT, ( e ) => {
			const active = ( e as CustomEvent< { active: boolean } > ).detail?.active === true;
			if ( this.chatId ) this.send( { type: 'page', chatId: this.chatId, page: active ? current() : null } );
		} );
	}

	/** The chat is running on an open connection (started, or resumed after a reload). */
	running( chatId: string ): void {
		this.chatId = chatId;
		if ( window.consentChatTracking?.active ) this.send( { type: 'page', chatId, page: current() } );
	}

	stopped(): void {
		this.chatId = null;
	}
}

function current(): { path: string; title: string } {
	return { path: location.pathname.slice( 0, 500 ) || '/', title: document.title.slice( 0, 200 ) };
}
