/**
 * The running chat of this tab, so a reload picks it up. Written only after
 * the visitor started a chat (needed for the service they asked for), and
 * removed when the chat ends. sessionStorage dies with the tab.
 */
import { SESSION_KEY } from '../contract';

export interface ChatSession {
	chatId: string;
	code: string;
}

export function loadSession(): ChatSession | null {
	try {
		const raw = sessionStorage.getItem( SESSION_KEY );
		const s = raw ? ( JSON.parse( raw ) as Partial< ChatSession > ) : null;
		if ( s && typeof s.chatId === 'string' && typeof s.code === 'string' ) {
			// The messages come back from the service on resume (from 0): only the chat is remembered.
			return { chatId: s.chatId, code: s.code };
		}
	} catch {
		// Blocked or corrupt storage: behave as if there were no running chat.
	}
	return null;
}

export function saveSession( s: ChatSession ): void {
	try {
		sessionStorage.setItem( SESSION_KEY, JSON.stringify( s ) );
	} catch {
		// Without storage a reload starts afresh; the chat itself still works.
	}
}

export function clearSession(): void {
	try {
		sessionStorage.removeItem( SESSION_KEY );
	} catch {
		// nothing to clear
	}
}
